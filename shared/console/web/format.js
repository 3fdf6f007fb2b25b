import { h } from './dom.js';

/** The JSON API's timestamps are epoch seconds. */
export function toDate(seconds) {
  return seconds === undefined || seconds === null ? undefined : new Date(seconds * 1000);
}

export function formatDate(seconds) {
  const date = toDate(seconds);
  if (!date) return '–';
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatDuration(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const STATUS_CLASSES = {
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  ABORTED: 'aborted',
  PENDING_REDRIVE: 'aborted',
  ACTIVE: 'succeeded',
};

export function statusBadge(status) {
  return h('span', { class: `badge badge-${STATUS_CLASSES[status] ?? 'neutral'}` }, status ?? '–');
}

/** JSON text, pretty-printed and coloured, as a <pre>; text that is not JSON is shown as it is. */
export function jsonBlock(text, attributes = {}) {
  const pre = h('pre', { class: 'json', ...attributes });
  if (text === undefined || text === null) {
    pre.append(h('span', { class: 'muted' }, '(none)'));
    return pre;
  }
  let pretty;
  try {
    pretty = JSON.stringify(typeof text === 'string' ? JSON.parse(text) : text, null, 2);
  } catch {
    pre.textContent = String(text);
    return pre;
  }
  // Split into tokens and wrap each in a span: keys, strings, numbers, literals, punctuation as text.
  const token = /("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;
  let last = 0;
  for (const match of pretty.matchAll(token)) {
    if (match.index > last) pre.append(pretty.slice(last, match.index));
    if (match[1] !== undefined) {
      pre.append(h('span', { class: match[2] ? 'j-key' : 'j-string' }, match[1]));
      if (match[2]) pre.append(match[2]);
    } else if (match[3] !== undefined) pre.append(h('span', { class: 'j-number' }, match[3]));
    else pre.append(h('span', { class: 'j-literal' }, match[4]));
    last = match.index + match[0].length;
  }
  pre.append(pretty.slice(last));
  return pre;
}

/**
 * An error's cause, readable: a Lambda error's JSON cause shows its message and its stack trace as lines;
 * any other cause shows as it is.
 */
export function causeBlock(cause) {
  let parsed;
  try {
    parsed = JSON.parse(cause);
  } catch {
    return h('pre', { class: 'cause' }, cause);
  }
  if (parsed && typeof parsed === 'object' && typeof parsed.errorMessage === 'string') {
    const trace = Array.isArray(parsed.trace) ? parsed.trace.join('\n') : undefined;
    return h(
      'div',
      { class: 'cause' },
      h('div', { class: 'cause-message' }, parsed.errorMessage),
      trace ? h('details', {}, h('summary', {}, 'Stack trace'), h('pre', { class: 'cause' }, trace)) : null,
    );
  }
  return jsonBlock(cause, { class: 'json cause' });
}

/** One line for a cause: a Lambda error's message, else the cause's start. */
export function causeSummary(cause) {
  try {
    const parsed = JSON.parse(cause);
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: shown as it is.
  }
  return cause.length > 300 ? `${cause.slice(0, 299)}…` : cause;
}

export function errorBox(error) {
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('strong', {}, error.name ?? 'Error'),
    ': ',
    error.message,
  );
}

export function nameOfArn(arn) {
  return String(arn ?? '')
    .split(':')
    .pop();
}
