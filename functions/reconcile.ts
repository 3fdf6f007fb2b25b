import { lazyEngineDeps } from '../shared/composition/lambda-environment.ts';
import { createReconcileHandler } from '../shared/handlers/reconcile-handler.ts';

/** The deployed reconciler: a sweep over the running executions on each scheduled event. */
export const handler = createReconcileHandler(lazyEngineDeps());
