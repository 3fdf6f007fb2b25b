/** Links of a cause chain a log line shows at most; a longer chain ends in `…`. */
const MAX_LINKS = 5;

/**
 * An error as a log line shows it: `name [code]: message`, then what it wraps (its ES2022 `cause`), link by link,
 * so the log carries the whole chain while the wire carries only the outer message. `code` is an EngineError's
 * (`InfrastructureFailure`) or a system error's (`ECONNRESET`).
 */
export function describeError(error: unknown): string {
  const links: string[] = [];
  let current: unknown = error;
  while (current !== undefined && links.length < MAX_LINKS) {
    links.push(describeLink(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  if (current !== undefined) links.push('…');
  return links.join(' ← caused by ');
}

function describeLink(error: unknown): string {
  if (!(error instanceof Error)) {
    if (typeof error !== 'object' || error === null) return String(error);
    try {
      return JSON.stringify(error);
    } catch {
      return String(error);
    }
  }
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
}
