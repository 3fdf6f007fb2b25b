import { eventSourceArnFromEnvironment, lazyEngineDeps } from '../shared/composition/lambda-environment.ts';
import { createTaskHandler } from '../shared/handlers/task-handler.ts';

/** The deployed task handler: the engine built from the Lambda environment, once per container. */
export const handler = createTaskHandler(lazyEngineDeps(), eventSourceArnFromEnvironment());
