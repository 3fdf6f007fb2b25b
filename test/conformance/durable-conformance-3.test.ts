import { allCases } from './cases/index.ts';
import { conformancePart, describeDurableConformance } from './durable-conformance.ts';

// Part 3 of three of the cases (see durable-conformance-1.test.ts).
describeDurableConformance(conformancePart(allCases, 2, 3));
