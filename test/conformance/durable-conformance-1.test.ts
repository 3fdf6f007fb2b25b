import { allCases } from './cases/index.ts';
import { describeDurableConformance } from './durable-conformance.ts';

// The cases are split over two files so that vitest runs the halves on two workers.
const groups = Object.entries(allCases);
describeDurableConformance(Object.fromEntries(groups.filter((_, i) => i % 2 === 0)));
