import { parseJsonata } from '../jsonata/compiled-expression.ts';
import { LinearRegExp, LinearRegexError } from '../lib/linear-regex.ts';

/**
 * What validation needs to know of one JSONata expression (the text between `{%` and `%}`): whether
 * it parses, which names it reads from the top-level context (AWS evaluates expressions with no
 * context item, so those are refused), which fields of `$states` it reads, and which workflow
 * variables it references. Parsed once per text.
 */
export type JsonataAnalysis =
  | { ok: false; message: string }
  | {
      ok: true;
      /** Names read against the top-level context, in written order: `phone`, `$` or `$$`. */
      topLevelReferences: readonly string[];
      /** Fields of `$states` read (`input`, `result`, `errorOutput`, `context`, …). */
      statesFields: ReadonlySet<string>;
      /** Workflow variables referenced, without `$`, in written order, each once. */
      variables: readonly string[];
      /**
       * Regex literals (`/…/flags`) RE2 cannot compile (back-references, look-around…), each with RE2's
       * reason: the engine runs JSONata's regexes on RE2, so these would fail every evaluation.
       */
      unreadableRegexes: readonly { pattern: string; reason: string }[];
    };

/** The pseudo-reference for `$$`, which AWS refuses under its own message. */
export const ROOT_REFERENCE = '$$';
/** The pseudo-reference for `$`, the context item. */
export const CONTEXT_ITEM = '$';

/** A node of jsonata's parse tree as jsonata 2.0 builds it (its bundled types describe 1.7's). */
interface ExprNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: ExprNode[];
  expressions?: ExprNode[];
  arguments?: ExprNode[];
  procedure?: ExprNode;
  lhs?: ExprNode | ExprNode[][];
  rhs?: ExprNode;
}

const MAX_CACHED = 10_000;
const cache = new Map<string, JsonataAnalysis>();

/** The expression inside a `{% … %}` string. */
export function expressionBody(text: string): string {
  return text.slice(2, -2);
}

/** Parses and analyses an expression body once (cached by text). Never throws. */
export function analyzeJsonata(body: string): JsonataAnalysis {
  let analysis = cache.get(body);
  if (analysis) return analysis;
  analysis = analyze(body);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(body, analysis);
  return analysis;
}

function analyze(body: string): JsonataAnalysis {
  let ast: ExprNode;
  try {
    ast = parseJsonata(body).ast() as unknown as ExprNode;
  } catch (error) {
    // AWS reports the parser's message without its `S0xxx: ` code (floci-io/floci#2745, measured).
    return { ok: false, message: parserMessage(error) };
  }
  const topLevel = new Set<string>();
  collectTopLevel(ast, topLevel);
  const walk = new FullWalk();
  walk.visit(ast);
  return {
    ok: true,
    topLevelReferences: [...topLevel],
    statesFields: walk.statesFields,
    variables: walk.freeVariables(),
    unreadableRegexes: walk.regexes.flatMap((regex) => {
      const reason = re2Problem(regex);
      return reason === undefined
        ? []
        : [{ pattern: `/${regex.source}/${regex.flags.replace(/[gy]/g, '')}`, reason }];
    }),
  };
}

/** Why RE2 cannot compile the parser's regex (LinearRegExp compiles it so at evaluation), or undefined. */
function re2Problem(regex: RegExp): string | undefined {
  try {
    new LinearRegExp(regex);
    return undefined;
  } catch (error) {
    if (error instanceof LinearRegexError) return error.message;
    throw error;
  }
}

/**
 * Only the first step of a path is read against the top-level context; later steps, predicates,
 * sort terms and groupings read the value before them. A lambda body keeps the context of the
 * expression that defines it, and an object constructor's keys are read at the top level too
 * (floci-io/floci#2670 and PR #2699, measured against AWS).
 */
function collectTopLevel(node: ExprNode | undefined, names: Set<string>): void {
  if (!node) return;
  switch (node.type) {
    case 'path':
      collectTopLevel(node.steps?.[0], names);
      return;
    case 'name':
      names.add(String(node.value));
      return;
    case 'variable':
      if (node.value === '') names.add(CONTEXT_ITEM);
      // `$$` parses as a variable named `$`.
      else if (node.value === '$') names.add(ROOT_REFERENCE);
      return;
    case 'unary':
      if (node.value === '[') eachNode(node.expressions, (child) => collectTopLevel(child, names));
      else if (node.value === '{') eachPair(node.lhs, (child) => collectTopLevel(child, names));
      else collectTopLevel(child(node, 'expression'), names);
      return;
    case 'binary':
    case 'apply':
      collectTopLevel(child(node, 'lhs'), names);
      collectTopLevel(node.rhs, names);
      return;
    case 'function':
    case 'partial':
      collectTopLevel(node.procedure, names);
      eachNode(node.arguments, (child) => collectTopLevel(child, names));
      return;
    case 'lambda':
      collectTopLevel(child(node, 'body'), names);
      return;
    case 'condition':
      collectTopLevel(child(node, 'condition'), names);
      collectTopLevel(child(node, 'then'), names);
      collectTopLevel(child(node, 'else'), names);
      return;
    case 'block':
      eachNode(node.expressions, (child) => collectTopLevel(child, names));
      return;
    case 'bind':
      collectTopLevel(node.rhs, names);
      return;
    default:
      // Literals, regexes, wildcards, descendants, transforms and parent steps read no top-level name.
      return;
  }
}

/**
 * The functions JSONata 2.0 defines, and those Step Functions adds (`$partition`, `$range`, `$hash`,
 * `$random`, `$uuid`, `$parse`): a call to one of these is not a variable reference.
 */
const FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'match',
  'contains',
  'replace',
  'split',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'boolean',
  'not',
  'map',
  'zip',
  'filter',
  'single',
  'reduce',
  'sift',
  'keys',
  'lookup',
  'append',
  'exists',
  'spread',
  'merge',
  'reverse',
  'each',
  'error',
  'assert',
  'type',
  'sort',
  'shuffle',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'eval',
  'toMillis',
  'fromMillis',
  'now',
  'millis',
  'clone',
  'partition',
  'range',
  'hash',
  'uuid',
  'parse',
]);

/** Every node of the tree: the variables read, those the expression binds itself, and `$states` fields. */
class FullWalk {
  readonly statesFields = new Set<string>();
  /** The regex literals, as the parser built them. */
  readonly regexes: RegExp[] = [];
  private readonly references: { name: string; position: number }[] = [];
  private readonly bound = new Set<string>();
  private readonly calls = new Set<ExprNode>();
  private readonly seen = new Set<object>();

  visit(node: unknown): void {
    if (typeof node !== 'object' || node === null || this.seen.has(node)) return;
    this.seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) this.visit(item);
      return;
    }
    const expr = node as ExprNode;
    switch (expr.type) {
      case 'variable':
        if (!this.calls.has(expr) || !FUNCTION_NAMES.has(String(expr.value))) {
          this.references.push({ name: String(expr.value), position: expr.position ?? 0 });
        }
        break;
      case 'function':
      case 'partial':
        if (expr.procedure?.type === 'variable') this.calls.add(expr.procedure);
        break;
      case 'bind': {
        const target = child(expr, 'lhs');
        if (target?.type === 'variable') this.bound.add(String(target.value));
        break;
      }
      case 'lambda':
        eachNode(expr.arguments, (argument) => this.bound.add(String(argument.value)));
        break;
      case 'path':
        this.noteStatesField(expr.steps);
        break;
      case 'regex':
        if (expr.value instanceof RegExp) this.regexes.push(expr.value);
        break;
      default:
        break;
    }
    for (const [key, value] of Object.entries(expr)) {
      // Parent-step bookkeeping points back up the tree; it holds no expression of its own.
      if (key !== 'ancestor' && key !== 'slot' && key !== 'tuple') this.visit(value);
    }
  }

  private noteStatesField(steps: ExprNode[] | undefined): void {
    const [first, second] = steps ?? [];
    if (first?.type === 'variable' && first.value === 'states' && second?.type === 'name') {
      this.statesFields.add(String(second.value));
    }
  }

  /** Referenced names that are workflow variables: not `$`, `$$`, `$states`, nor bound inside the expression. */
  freeVariables(): string[] {
    const names = this.references
      .filter(({ name }) => name !== '' && name !== '$' && name !== 'states' && !this.bound.has(name))
      .sort((a, b) => a.position - b.position)
      .map(({ name }) => name);
    return [...new Set(names)];
  }
}

/** jsonata throws plain objects (`{code, position, token, message}`), not Error instances. */
function parserMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

function child(node: ExprNode, key: string): ExprNode | undefined {
  const value = (node as unknown as Record<string, unknown>)[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as ExprNode)
    : undefined;
}

function eachNode(nodes: ExprNode[] | undefined, visit: (node: ExprNode) => void): void {
  for (const node of nodes ?? []) visit(node);
}

/** The key/value pairs of an object constructor (`lhs` holds `[key, value]` arrays). */
function eachPair(pairs: ExprNode | ExprNode[][] | undefined, visit: (node: ExprNode) => void): void {
  if (!Array.isArray(pairs)) return;
  for (const pair of pairs) {
    for (const node of pair) visit(node);
  }
}
