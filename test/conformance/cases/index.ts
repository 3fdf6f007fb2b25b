import type { ConformanceCase } from '../conformance-case.ts';
import { asAwsRecordsCases } from './as-aws-records.ts';
import { boundsCases } from './bounds.ts';
import { choiceCases } from './choice.ts';
import { executionCases } from './execution.ts';
import { failSucceedCases } from './fail-succeed.ts';
import { httpTaskCases } from './http-task.ts';
import { integrationsCases } from './integrations.ts';
import { intrinsicsCases } from './intrinsics.ts';
import { itemBatcherCases } from './item-batcher.ts';
import { jsonataCases } from './jsonata.ts';
import { mapCases } from './map.ts';
import { mixedLanguagesCases } from './mixed-languages.ts';
import { parallelCases } from './parallel.ts';
import { passCases } from './pass.ts';
import { retryCatchCases } from './retry-catch.ts';
import { taskLambdaCases } from './task-lambda.ts';
import { variablesCases } from './variables.ts';
import { waitCases } from './wait.ts';

/** Every conformance case, by group. */
export const allCases: Record<string, ConformanceCase[]> = {
  pass: passCases,
  choice: choiceCases,
  wait: waitCases,
  'fail and succeed': failSucceedCases,
  'task (Lambda)': taskLambdaCases,
  'retry and catch': retryCatchCases,
  execution: executionCases,
  parallel: parallelCases,
  map: mapCases,
  'map item batcher': itemBatcherCases,
  intrinsics: intrinsicsCases,
  jsonata: jsonataCases,
  variables: variablesCases,
  'mixed query languages': mixedLanguagesCases,
  'as AWS records it': asAwsRecordsCases,
  'service integrations': integrationsCases,
  'HTTP Task': httpTaskCases,
  'bounds and JSONPath filters': boundsCases,
};
