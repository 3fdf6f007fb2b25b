import { isJsonObject } from '../lib/json.ts';
import { asText, type OptimizedAction, objectOf } from './optimized-integration.ts';

/**
 * `arn:aws:states:::events:putEvents[.waitForTaskToken]`: each entry's Detail given as JSON is sent as its
 * text; a response with failed entries fails the task with `EventBridge.FailedEntry`, as AWS does.
 */
export const EVENTS_ACTIONS: Readonly<Record<string, OptimizedAction>> = {
  putEvents: {
    client: 'eventbridge',
    action: 'putEvents',
    errorPrefix: 'EventBridge',
    javaService: 'AmazonEventBridge',
    request(parameters) {
      const input = objectOf(parameters);
      if (Array.isArray(input.Entries)) {
        input.Entries = input.Entries.map((entry) => {
          if (!isJsonObject(entry)) return entry;
          const detail = asText(entry.Detail);
          return detail === undefined ? entry : { ...entry, Detail: detail };
        });
      }
      return input;
    },
    result(result) {
      const failed = isJsonObject(result) ? result.FailedEntryCount : undefined;
      if (typeof failed === 'number' && failed > 0) {
        return { ok: false, error: 'EventBridge.FailedEntry', cause: JSON.stringify(result) };
      }
      return { ok: true, output: result };
    },
  },
};
