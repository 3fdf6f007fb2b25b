import { evaluateIntrinsic, type IntrinsicEnv, isIntrinsicCall } from '../intrinsics/index.ts';
import { compilePath, evaluatePath, NOT_FOUND, type PathSources } from '../jsonpath/paths.ts';
import { StatesError, StatesErrors } from '../language/states-error.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';

/**
 * Payload templates (Parameters, ResultSelector, ItemSelector, …): every key ending in `.$` is replaced by the
 * value of its path or intrinsic call and loses the suffix; other values are copied as they are.
 * A template is compiled once into a tree of closures, so a state applied a million times parses nothing.
 */
type Compiled = (sources: PathSources, env: IntrinsicEnv) => Json;

const compiledTemplates = new WeakMap<object, Compiled>();

export function applyPayloadTemplate(template: Json, sources: PathSources, env: IntrinsicEnv): Json {
  if (typeof template !== 'object' || template === null) return template;
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    compiled = compileTemplate(template, '');
    compiledTemplates.set(template, compiled);
  }
  return compiled(sources, env);
}

function compileTemplate(template: Json, location: string): Compiled {
  if (Array.isArray(template)) {
    const items = template.map((item, i) => compileTemplate(item, `${location}[${i}]`));
    return (sources, env) => items.map((item) => item(sources, env));
  }
  if (!isJsonObject(template)) return () => template;
  const fields: Array<{ key: string; value: Compiled }> = [];
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      fields.push({ key: key.slice(0, -2), value: compileDynamicValue(key, value) });
    } else {
      fields.push({ key, value: compileTemplate(value, location ? `${location}.${key}` : key) });
    }
  }
  return (sources, env) => {
    const out: JsonObject = {};
    for (const field of fields) out[field.key] = field.value(sources, env);
    return out;
  };
}

function compileDynamicValue(key: string, expression: string): Compiled {
  if (isIntrinsicCall(expression)) {
    return (sources, env) => evaluateIntrinsic(expression, sources, env);
  }
  const path = compilePath(expression);
  return (sources) => {
    const value = evaluatePath(path, sources);
    if (value === NOT_FOUND) {
      throw new StatesError(
        StatesErrors.Runtime,
        // AWS shows the state's effective input, even when the path reads the context object.
        `The JSONPath '${expression}' specified for the field '${key}' could not be found in the input '${JSON.stringify(sources.input)}'`,
      );
    }
    return value;
  };
}
