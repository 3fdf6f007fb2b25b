import { allCases } from './cases/index.ts';
import { conformancePart, describeDurableConformance } from './durable-conformance.ts';

// Part 4 of four of the cases (see durable-conformance-1.test.ts).
describeDurableConformance(conformancePart(allCases, 3, 4));
