import { allCases } from './cases/index.ts';
import { conformancePart, describeDurableConformance } from './durable-conformance.ts';

// The cases are split over three files (every third case, this file from the first) so that vitest runs them on its
// workers side by side, and no one file is the last to finish.
describeDurableConformance(conformancePart(allCases, 0, 3));
