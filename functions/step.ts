import {
  eventSourceArnFromEnvironment,
  lazyEngineDeps,
  maxReceiveCountFromEnvironment,
} from '../shared/composition/lambda-environment.ts';
import { createStepHandler } from '../shared/handlers/step-handler.ts';

/** The deployed step handler: the engine built from the Lambda environment, once per container. */
export const handler = createStepHandler(
  lazyEngineDeps(),
  maxReceiveCountFromEnvironment(),
  eventSourceArnFromEnvironment(),
);
