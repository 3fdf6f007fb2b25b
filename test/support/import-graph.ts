import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The repository's import graph, read from the source: which module each file imports. A module is a folder
 * under shared/ (`shared/engine`), or a top-level folder (`functions`, `infra`); a package import is named by
 * its package (`@aws-sdk/client-sqs`, `node:fs`).
 */
export interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  source: string;
}

export interface ImportEdge {
  from: string;
  /** A repository file (relative path, `.ts`) or a package name. */
  to: string;
  kind: 'file' | 'package';
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function readSourceFiles(root: string, folders: readonly string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts'))
        files.push({ path, source: readFileSync(join(root, path), 'utf8') });
    }
  };
  for (const folder of folders) walk(folder);
  return files;
}

export function importsOf(file: SourceFile): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of file.source.matchAll(IMPORT)) {
    const specifier = (match[1] ?? match[2]) as string;
    if (specifier.startsWith('.')) {
      const to = relative('.', normalize(join(dirname(file.path), specifier))).replaceAll('\\', '/');
      edges.push({ from: file.path, to, kind: 'file' });
    } else {
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
      edges.push({ from: file.path, to: name, kind: 'package' });
    }
  }
  return edges;
}

/** The module a repository file belongs to: `shared/<folder>`, `shared` for shared's own files, else its top folder. */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'shared') return parts.length > 2 ? `shared/${parts[1]}` : 'shared';
  return parts.length > 1 ? (parts[0] as string) : path;
}

/** What one module may import. */
export interface ModuleRule {
  module: string;
  /** Modules it may import (its own is always allowed). */
  modules: readonly string[];
  /** Single files of otherwise forbidden modules it may import (an adapter reads the engine's ports). */
  files?: readonly string[];
  /** Packages it may import: exact names, or prefixes ending in `*` (`@aws-sdk/*`, `node:*`). */
  packages: readonly string[];
}

export interface Violation {
  from: string;
  to: string;
  rule: string;
}

export function findViolations(files: readonly SourceFile[], rules: readonly ModuleRule[]): Violation[] {
  const byModule = new Map(rules.map((rule) => [rule.module, rule]));
  const violations: Violation[] = [];
  for (const file of files) {
    const module = moduleOf(file.path);
    const rule = byModule.get(module);
    if (!rule) continue;
    for (const edge of importsOf(file)) {
      if (edge.kind === 'file') {
        const target = moduleOf(edge.to);
        if (target === module || rule.modules.includes(target) || rule.files?.includes(edge.to)) continue;
        violations.push({ from: edge.from, to: edge.to, rule: `${module} may not import ${target}` });
      } else if (!rule.packages.some((allowed) => matchesPackage(allowed, edge.to))) {
        violations.push({
          from: edge.from,
          to: edge.to,
          rule: `${module} may not import the package ${edge.to}`,
        });
      }
    }
  }
  return violations;
}

function matchesPackage(allowed: string, name: string): boolean {
  return allowed.endsWith('*') ? name.startsWith(allowed.slice(0, -1)) : name === allowed;
}
