/**
 * `npm run build` (and `prepack`): the package users install, in `dist/` (or the folder `--out-dir` names).
 *
 * The source imports its modules with `.ts` extensions, which Node's type stripping runs as they are but which
 * Node refuses under node_modules (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING). So:
 * - JavaScript: esbuild bundles each entry point (the library, the CLI). Bundling resolves the `.ts`
 *   specifiers at build time, so none is left in the output; esbuild's file-by-file mode would keep them as
 *   written. Code splitting puts what both entry points share in one chunk, and dependencies stay imports
 *   (`packages: 'external'`), installed from the registry beside the package.
 * - Declarations: tsc (TypeScript 7's native compiler) with `--emitDeclarationOnly`. It writes the `.ts`
 *   specifiers into the `.d.ts` files as they are (`rewriteRelativeImportExtensions` rewrites only emitted
 *   JavaScript), so they are rewritten to `.js` here: a `.js` specifier finds the `.d.ts` beside it under
 *   every module resolution a user's project may choose.
 * - The console's files (shared/console/web and graph), copied to dist/console.
 */
import { execFileSync } from 'node:child_process';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
const root = resolve(import.meta.dirname, '..');
const outDir = resolve(root, values['out-dir']);

await rm(outDir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { index: 'shared/index.ts', statefold: 'bin/statefold.ts' },
  outdir: outDir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  packages: 'external',
  // Bundling renames clashing identifiers; class and function names stay as written (error names, traces).
  keepNames: true,
  logLevel: 'warning',
});

// The console's pages and graph modules are served as files (the local server strips the graph's types when it
// serves them), so they ship as they are, beside the bundle.
for (const folder of ['web', 'graph']) {
  await cp(join(root, 'shared/console', folder), join(outDir, 'console', folder), { recursive: true });
}

const types = join(outDir, 'types');
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', types],
  { cwd: root, stdio: 'inherit' },
);
for (const entry of await readdir(types, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const path = join(entry.parentPath, entry.name);
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]*)\.ts\2/g, '$1$2$3.js$2'));
}
process.stdout.write(`Built ${outDir}\n`);
