import { findOperatorForm } from '../choice/index.ts';
import { type IntrinsicArg, isIntrinsicCall, parseIntrinsic } from '../intrinsics/index.ts';
import { compilePath } from '../jsonpath/paths.ts';
import type { QueryLanguage, StateMachineDefinition } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { childLocation, indexLocation } from './diagnostics.ts';
import { analyzeJsonata, expressionBody } from './jsonata-analysis.ts';
import { forEachJsonataExpression } from './jsonata-fields.ts';
import { STATE_FIELDS } from './state-fields.ts';
import { resolveLanguage, stateTypeOf } from './validate-state.ts';

/**
 * Which workflow variables a state reads and writes (AWS: the ASL docs on workflow variables), as written in the definition:
 * JSONPath `$name…` paths (in path fields, `.$` values, intrinsic arguments and Choice rules) and
 * JSONata `$name` references in expressions.
 */

/** A variable name and where it is read or assigned. */
export interface VariableUse {
  name: string;
  location: string;
}

/**
 * DescribeStateMachine's `variableReferences`: for each state (nested ones included) the variables it
 * references, each once, in the order they are written. States that reference none are left out, as
 * AWS leaves them out (LocalStack's AWS-recorded `test_sfn_api_variable_references` snapshots). An
 * empty result means the response has no `variableReferences` at all.
 */
export function collectVariableReferences(
  definition: StateMachineDefinition | JsonObject,
): Record<string, string[]> {
  const root = definition as unknown as JsonObject;
  const machineLanguage = resolveLanguage(root, 'JSONPath');
  const references: Record<string, string[]> = {};
  const visitBlock = (block: Json, location: string) => {
    if (!isJsonObject(block) || !isJsonObject(block.States)) return;
    for (const [name, state] of Object.entries(block.States)) {
      if (!isJsonObject(state)) continue;
      const stateLocation = childLocation(childLocation(location, 'States'), name);
      const language = resolveLanguage(state, machineLanguage);
      const names = [
        ...new Set(stateVariableReferences(state, language, stateLocation).map((use) => use.name)),
      ];
      if (names.length > 0) references[name] = names;
      for (const nested of nestedBlocksOf(state, stateLocation)) visitBlock(nested.block, nested.location);
    }
  };
  visitBlock(root, '/');
  return references;
}

/** A Parallel branch or a Map processor inside a state. */
export interface NestedStatesBlock {
  block: JsonObject;
  location: string;
  /** A Distributed Map's child workflows run apart, without the outer variables (unverified). */
  distributed: boolean;
  /** A Parallel branch (a Map's processor otherwise). */
  branch: boolean;
}

export function nestedBlocksOf(state: JsonObject, location: string): NestedStatesBlock[] {
  const blocks: NestedStatesBlock[] = [];
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    state.Branches.forEach((branch, i) => {
      if (isJsonObject(branch)) {
        blocks.push({
          block: branch,
          location: indexLocation(childLocation(location, 'Branches'), i),
          distributed: false,
          branch: true,
        });
      }
    });
  }
  if (state.Type === 'Map') {
    for (const field of ['ItemProcessor', 'Iterator']) {
      const processor = state[field];
      if (!isJsonObject(processor)) continue;
      const config = processor.ProcessorConfig;
      const distributed = isJsonObject(config) && config.Mode === 'DISTRIBUTED';
      blocks.push({ block: processor, location: childLocation(location, field), distributed, branch: false });
    }
  }
  return blocks;
}

/** The variables a state assigns: its own Assign, its Choice rules' and its catchers'. */
export function stateAssignments(
  state: JsonObject,
  language: QueryLanguage,
  location: string,
): VariableUse[] {
  const type = stateTypeOf(state);
  if (type === undefined) return [];
  const allowed = STATE_FIELDS[type];
  const uses: VariableUse[] = [];
  const read = (holder: Json, at: string) => {
    if (!isJsonObject(holder) || !isJsonObject(holder.Assign)) return;
    const assignAt = childLocation(at, 'Assign');
    for (const key of Object.keys(holder.Assign)) {
      const name = language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
      uses.push({ name, location: childLocation(assignAt, key) });
    }
  };
  if (allowed.has('Assign')) read(state, location);
  for (const list of ['Choices', 'Catch']) {
    const entries = state[list];
    if (!allowed.has(list) || !Array.isArray(entries)) continue;
    entries.forEach((entry, i) => {
      read(entry, indexLocation(childLocation(location, list), i));
    });
  }
  return uses;
}

/** The variables a state references, in the order they are written, with where. */
export function stateVariableReferences(
  state: JsonObject,
  language: QueryLanguage,
  location: string,
): VariableUse[] {
  const type = stateTypeOf(state);
  if (type === undefined) return [];
  const uses: VariableUse[] = [];
  if (language === 'JSONata') {
    forEachJsonataExpression(state, type, location, (site) => {
      const analysis = analyzeJsonata(expressionBody(site.text));
      if (!analysis.ok) return;
      for (const name of analysis.variables) uses.push({ name, location: site.location });
    });
    return uses;
  }
  const allowed = STATE_FIELDS[type];
  for (const [field, value] of Object.entries(state)) {
    const reader = JSONPATH_READERS[field];
    if (reader && allowed.has(field)) reader(value, childLocation(location, field), uses);
  }
  return uses;
}

type Reader = (value: Json, location: string, uses: VariableUse[]) => void;

/** A path field: `$name…` reads a variable. */
const readPath: Reader = (value, location, uses) => {
  const name = pathVariable(value);
  if (name !== undefined) uses.push({ name, location });
};

/** ErrorPath / CausePath: a path or an intrinsic call. */
const readPathOrCall: Reader = (value, location, uses) => {
  if (typeof value === 'string' && isIntrinsicCall(value)) readCall(value, location, uses);
  else readPath(value, location, uses);
};

/** A payload template (or JSONPath Assign): the values of its `.$` keys, at any depth. */
const readTemplate: Reader = (value, location, uses) => {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      readTemplate(item, indexLocation(location, i), uses);
    });
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const at = childLocation(location, key);
      if (key.endsWith('.$')) readPathOrCall(item, at, uses);
      else readTemplate(item, at, uses);
    }
  }
};

/** Choice rules: Variable and `…Path` operands, through And / Or / Not; top-level rules' Assign. */
const readRules: Reader = (value, location, uses) => {
  if (!Array.isArray(value)) return;
  value.forEach((rule, i) => {
    readRule(rule, indexLocation(location, i), uses);
  });
};

function readRule(rule: Json, location: string, uses: VariableUse[]): void {
  if (!isJsonObject(rule)) return;
  for (const [field, value] of Object.entries(rule)) {
    const at = childLocation(location, field);
    if (field === 'Variable' || findOperatorForm(field)?.viaPath) readPath(value, at, uses);
    else if (field === 'And' || field === 'Or') readRules(value, at, uses);
    else if (field === 'Not') readRule(value, at, uses);
    else if (field === 'Assign') readTemplate(value, at, uses);
  }
}

/** Fields of a nested object and how each is read. */
function readFields(readers: Readonly<Record<string, Reader>>): Reader {
  return (value, location, uses) => {
    if (!isJsonObject(value)) return;
    for (const [field, item] of Object.entries(value)) {
      readers[field]?.(item, childLocation(location, field), uses);
    }
  };
}

const JSONPATH_READERS: Readonly<Record<string, Reader>> = {
  InputPath: readPath,
  OutputPath: readPath,
  ItemsPath: readPath,
  TimeoutSecondsPath: readPath,
  HeartbeatSecondsPath: readPath,
  SecondsPath: readPath,
  TimestampPath: readPath,
  MaxConcurrencyPath: readPath,
  ToleratedFailurePercentagePath: readPath,
  ToleratedFailureCountPath: readPath,
  ErrorPath: readPathOrCall,
  CausePath: readPathOrCall,
  Parameters: readTemplate,
  ResultSelector: readTemplate,
  ItemSelector: readTemplate,
  Credentials: readTemplate,
  Assign: readTemplate,
  Choices: readRules,
  Catch: (value, location, uses) => {
    if (!Array.isArray(value)) return;
    value.forEach((catcher, i) => {
      if (isJsonObject(catcher) && Object.hasOwn(catcher, 'Assign')) {
        readTemplate(catcher.Assign as Json, childLocation(indexLocation(location, i), 'Assign'), uses);
      }
    });
  },
  ItemReader: readFields({
    Parameters: readTemplate,
    ReaderConfig: readFields({ MaxItemsPath: readPath }),
  }),
  ItemBatcher: readFields({
    MaxItemsPerBatchPath: readPath,
    MaxInputBytesPerBatchPath: readPath,
    BatchInput: readTemplate,
  }),
  ResultWriter: readFields({ Parameters: readTemplate }),
};

function pathVariable(value: Json): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('$') || value.startsWith('$$')) return undefined;
  try {
    const { root } = compilePath(value);
    return root.kind === 'variable' ? root.name : undefined;
  } catch {
    return undefined;
  }
}

function readCall(text: string, location: string, uses: VariableUse[]): void {
  const visit = (args: readonly IntrinsicArg[]) => {
    for (const arg of args) {
      if (arg.kind === 'path') readPath(arg.path, location, uses);
      else if (arg.kind === 'call') visit(arg.call.args);
    }
  };
  try {
    visit(parseIntrinsic(text).args);
  } catch {
    // A malformed call is reported by validation; it references nothing here.
  }
}
