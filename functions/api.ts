import { lazyEngineDeps } from '../shared/composition/lambda-environment.ts';
import { createApiHandler } from '../shared/handlers/api-handler.ts';

/** The deployed api handler: the engine built from the Lambda environment, once per container. */
export const handler = createApiHandler(lazyEngineDeps());
