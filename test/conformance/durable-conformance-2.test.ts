import { allCases } from './cases/index.ts';
import { describeDurableConformance } from './durable-conformance.ts';

// The other half of the cases (see durable-conformance-1.test.ts).
const groups = Object.entries(allCases);
describeDurableConformance(Object.fromEntries(groups.filter((_, i) => i % 2 === 1)));
