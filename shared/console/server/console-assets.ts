import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';

/**
 * The console's files, served as they are under `/console/`: no build step, no CDN. The pages
 * (shared/console/web) are plain JavaScript modules the browser loads directly. The graph component
 * (shared/console/graph) is TypeScript because `statefold graph` runs it in Node too; the browser gets it
 * with its types erased by Node's own type stripper (node:module's stripTypeScriptTypes), which only blanks
 * the annotations out, so positions and import specifiers stay as written and nothing is bundled. ELK comes
 * from the elkjs package's browser bundle.
 */
const CONSOLE_ROOT = findConsoleRoot();

/**
 * The folder holding web/ and graph/: shared/console in the repository; in the installed package, where the
 * build copies them, `console/` beside (or one level above) the bundle's chunk that runs this.
 */
function findConsoleRoot(): string {
  const here = import.meta.dirname;
  const candidates = [join(here, '..'), join(here, 'console'), join(here, '..', 'console')];
  return candidates.find((root) => existsSync(join(root, 'web', 'index.html'))) ?? (candidates[0] as string);
}
const PREFIX = '/console/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.ts': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** URL paths under /console/ and the files they are, or the folders whose files they may be. */
const FOLDERS = ['web', 'graph'];
/**
 * ELK's browser files, by the path the console asks for them: the page loads the small API script, which runs
 * the layout (1.6 MB of compiled Java) in a Web Worker, off the thread that draws the page. The bundle that
 * lays out in the page itself is served too, for pages of older consoles still open.
 */
const ELK_FILES: Record<string, string> = {
  'vendor/elk-api.js': 'elk-api.js',
  'vendor/elk-worker.min.js': 'elk-worker.min.js',
  'vendor/elk.bundled.js': 'elk.bundled.js',
};

const require = createRequire(import.meta.url);

type StripTypes = (source: string, options?: { mode?: 'strip' }) => string;

/** The stripped text of each graph module, by path and modification time. */
const stripped = new Map<string, { mtimeMs: number; text: string }>();

/**
 * Answers GET and HEAD requests for `/console` and below; returns false for anything else, which the caller
 * handles (the Step Functions API).
 */
export function serveConsoleAsset(request: IncomingMessage, response: ServerResponse): boolean {
  const method = request.method ?? 'GET';
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path !== '/console' && !path.startsWith(PREFIX)) return false;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/console') {
    response.writeHead(308, { location: PREFIX });
    response.end();
    return true;
  }
  answer(path.slice(PREFIX.length), method, response).catch(() => {
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('The console could not read its files');
  });
  return true;
}

let preparing: Promise<void> | undefined;

/**
 * Strips the graph modules' types ahead of their requests. Node's type stripper takes a few hundred
 * milliseconds (its WebAssembly compiled) the first time a process calls it, and holds the event loop while
 * it does: a server that calls this once it is listening spares its first console page that wait.
 */
export function prepareConsoleAssets(): Promise<void> {
  preparing ??= (async () => {
    const folder = join(CONSOLE_ROOT, 'graph');
    for (const name of await readdir(folder)) {
      if (extname(name) !== '.ts') continue;
      const file = join(folder, name);
      await strippedText(file, (await stat(file)).mtimeMs);
    }
  })().catch(() => {
    // A module that cannot be read now is read, and fails, when it is asked for.
  });
  return preparing;
}

async function answer(relative: string, method: string, response: ServerResponse): Promise<void> {
  const file = resolveAsset(decodeURIComponent(relative));
  if (file === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Not found');
    return;
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Not found');
    return;
  }
  const extension = extname(file);
  const body =
    extension === '.ts' ? Buffer.from(await strippedText(file, info.mtimeMs)) : await readFile(file);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
    'content-length': body.length,
    // Always revalidated: an upgraded Statefold serves new pages at once.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  response.end(method === 'HEAD' ? undefined : body);
}

/** The file a path names, if it is one the console serves; never anything outside its folders. */
export function resolveAsset(relative: string): string | undefined {
  if (relative === '' || relative === 'index.html') return join(CONSOLE_ROOT, 'web', 'index.html');
  const elkFile = ELK_FILES[relative];
  if (elkFile !== undefined) return join(dirname(require.resolve('elkjs/package.json')), 'lib', elkFile);
  if (relative.includes('\0')) return undefined;
  // Checked after normalising, so `web/../server/…` is outside `web/` as it should be.
  const file = normalize(join(CONSOLE_ROOT, relative));
  if (!FOLDERS.some((folder) => file.startsWith(join(CONSOLE_ROOT, folder) + sep))) return undefined;
  if (!(extname(file) in CONTENT_TYPES)) return undefined;
  return file;
}

async function strippedText(file: string, mtimeMs: number): Promise<string> {
  const cached = stripped.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.text;
  const text = stripTypes(await readFile(file, 'utf8'));
  stripped.set(file, { mtimeMs, text });
  return text;
}

/**
 * Node 24 marks stripTypeScriptTypes experimental and warns once per process when it is first called;
 * the warning says nothing a console user can act on, so that one warning is not printed.
 */
function stripTypes(source: string): string {
  const strip = (nodeModule as unknown as { stripTypeScriptTypes: StripTypes }).stripTypeScriptTypes;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('stripTypeScriptTypes')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return strip(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}
