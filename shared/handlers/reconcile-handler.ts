import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import type { EngineDeps } from '../engine/engine-deps.ts';
import { RECONCILER_METRICS, RECONCILER_NAMESPACE } from '../engine/environment-names.ts';
import { type ReconcileOptions, type ReconcileReport, Reconciler } from '../engine/reconcile.ts';
import { type DeadlineContext, logEscapedErrors } from './handler-middleware.ts';

/**
 * The reconciler's handler, run on a schedule (an EventBridge rule): one sweep (shared/engine/reconcile.ts),
 * then its counts as CloudWatch metrics in the embedded metric format (one log line, no API call), which the
 * stack's alarms watch. The Reconciler lives as long as the container, so a warm one remembers what it sent
 * again; a cold start only delays failing an execution that stays stuck.
 */
export function createReconcileHandler(getDeps: () => EngineDeps, options: ReconcileOptions = {}) {
  let reconciler: Reconciler | undefined;
  return middy<ScheduledEvent, ReconcileReport, Error, DeadlineContext>()
    .use(logEscapedErrors('reconcile'))
    .handler(async () => {
      reconciler ??= new Reconciler(getDeps(), options);
      const report = await reconciler.sweep();
      console.log(JSON.stringify(metricsLine(report, Date.now())));
      return report;
    });
}

/** CloudWatch's embedded metric format: the counts as metrics, the ARNs as properties for Logs Insights. */
export function metricsLine(report: ReconcileReport, timestamp: number): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: RECONCILER_NAMESPACE,
          Dimensions: [[]],
          Metrics: Object.values(RECONCILER_METRICS).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    message: 'The reconciler swept the running executions',
    [RECONCILER_METRICS.checked]: report.checked,
    [RECONCILER_METRICS.resent]: report.resent.length,
    [RECONCILER_METRICS.failed]: report.failed.length,
    [RECONCILER_METRICS.closed]: report.closed.length,
    [RECONCILER_METRICS.forgotten]: report.forgotten.length,
    resent: report.resent,
    failed: report.failed,
    closed: report.closed,
    forgotten: report.forgotten,
  };
}
