import { eventSourceArnFromEnvironment, lazyEngineDeps } from '../shared/composition/lambda-environment.ts';
import { createTimerHandler } from '../shared/handlers/timer-handler.ts';

/** The deployed timer handler: the engine built from the Lambda environment, once per container. */
export const handler = createTimerHandler(lazyEngineDeps(), eventSourceArnFromEnvironment());
