/**
 * Polling for what another part of the system does in its own time (a poller, a handler, a server): the
 * value once it is there, or a failure that names what never came. A real clock bounds the wait because
 * the thing waited on runs on real time (queues, HTTP); the interval only decides how often to look.
 */

export interface PollOptions {
  /** Real milliseconds before giving up. */
  timeoutMs?: number;
  /** Real milliseconds between two looks. */
  intervalMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_INTERVAL_MS = 10;

/** Polls `probe` until it answers something other than undefined, and returns that. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = DEFAULT_TIMEOUT_MS, intervalMs = DEFAULT_INTERVAL_MS }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `condition` until it holds. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  options?: PollOptions,
): Promise<void> {
  await until(what, async () => ((await condition()) ? true : undefined), options);
}
