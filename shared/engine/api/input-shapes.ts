import { assertNever } from '../../lib/assert-never.ts';
import { isJsonObject, type Json, type JsonObject, utf8Length } from '../../lib/json.ts';
import { EngineError } from '../engine-error.ts';

/**
 * Operation inputs as the AWS model declares them (botocore `stepfunctions/2016-11-23/service-2.json`):
 * member types, required members, lengths, ranges, enums and patterns. Reading an input first checks JSON
 * types (a mismatch is a SerializationException, as AWS's JSON protocol has it), then every constraint, and
 * reports all violations in one ValidationException, in AWS's words:
 * `2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; …`.
 * Members the model does not know are ignored and a null member counts as absent, as AWS's JSON protocol does.
 */
export type MemberSpec = StringSpec | IntegerSpec | NumberSpec | BooleanSpec | StructureSpec | ListSpec;

interface MemberBase {
  readonly required?: boolean;
}

export interface StringSpec extends MemberBase {
  readonly kind: 'string';
  readonly min?: number;
  readonly max?: number;
  /** A limit in UTF-8 bytes (execution input and task output). */
  readonly maxBytes?: number;
  readonly enum?: readonly string[];
  readonly pattern?: { readonly regex: RegExp; readonly text: string };
  /** AWS leaves the value of a sensitive member out of its messages. */
  readonly sensitive?: boolean;
}

export interface IntegerSpec extends MemberBase {
  readonly kind: 'integer';
  readonly min?: number;
  readonly max?: number;
}

/** A JSON number that may have a fraction (UpdateMapRun's toleratedFailurePercentage). */
export interface NumberSpec extends MemberBase {
  readonly kind: 'number';
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanSpec extends MemberBase {
  readonly kind: 'boolean';
}

export interface StructureSpec extends MemberBase {
  readonly kind: 'structure';
  readonly members: Shape;
}

export interface ListSpec extends MemberBase {
  readonly kind: 'list';
  readonly member: MemberSpec;
}

export type Shape = { readonly [member: string]: MemberSpec };

/** The value a member reads as. */
type ValueOf<M> = M extends { kind: 'string'; enum: readonly (infer E)[] }
  ? E
  : M extends { kind: 'string' }
    ? string
    : M extends { kind: 'integer' | 'number' }
      ? number
      : M extends { kind: 'boolean' }
        ? boolean
        : M extends { kind: 'structure'; members: infer S }
          ? InputOf<S>
          : M extends { kind: 'list'; member: infer I }
            ? ValueOf<I>[]
            : never;

type RequiredKeys<S> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];

/** The object a shape reads as: required members present, the others optional. */
export type InputOf<S> = { -readonly [K in RequiredKeys<S>]: ValueOf<S[K]> } & {
  -readonly [K in Exclude<keyof S, RequiredKeys<S>>]?: ValueOf<S[K]>;
};

/** Reads a request body against its shape; throws SerializationException or ValidationException. */
export function readInput<S extends Shape>(shape: S, body: JsonObject): InputOf<S> {
  const problems: string[] = [];
  const input = readStructure(shape, body, '', problems);
  if (problems.length > 0) {
    const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected`;
    throw new EngineError('ValidationException', `${count}: ${problems.join('; ')}`);
  }
  return input as InputOf<S>;
}

function readStructure(shape: Shape, object: JsonObject, prefix: string, problems: string[]): JsonObject {
  const out: JsonObject = {};
  for (const [name, spec] of Object.entries(shape)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const raw = Object.hasOwn(object, name) ? object[name] : undefined;
    if (raw === undefined || raw === null) {
      if (spec.required) problems.push(violation('null', path, 'Member must not be null'));
      continue;
    }
    out[name] = readMember(spec, raw, path, problems);
  }
  return out;
}

function readMember(spec: MemberSpec, raw: Json, path: string, problems: string[]): Json {
  switch (spec.kind) {
    case 'string': {
      if (typeof raw !== 'string') throw typeMismatch(path, 'a string', raw);
      const problem = checkString(spec, raw);
      if (problem) problems.push(violation(spec.sensitive ? undefined : `'${raw}'`, path, problem));
      return raw;
    }
    case 'integer':
    case 'number': {
      const integer = spec.kind === 'integer';
      if (typeof raw !== 'number' || !(integer ? Number.isInteger(raw) : Number.isFinite(raw))) {
        throw typeMismatch(path, integer ? 'an integer' : 'a number', raw);
      }
      if (spec.min !== undefined && raw < spec.min) {
        problems.push(
          violation(`'${raw}'`, path, `Member must have value greater than or equal to ${spec.min}`),
        );
      } else if (spec.max !== undefined && raw > spec.max) {
        problems.push(
          violation(`'${raw}'`, path, `Member must have value less than or equal to ${spec.max}`),
        );
      }
      return raw;
    }
    case 'boolean':
      if (typeof raw !== 'boolean') throw typeMismatch(path, 'a boolean', raw);
      return raw;
    case 'structure':
      if (!isJsonObject(raw)) throw typeMismatch(path, 'an object', raw);
      return readStructure(spec.members, raw, path, problems);
    case 'list': {
      if (!Array.isArray(raw)) throw typeMismatch(path, 'a list', raw);
      const out: Json[] = [];
      raw.forEach((item, index) => {
        // AWS names list members `tags.1.member.key` (1-based).
        const itemPath = `${path}.${index + 1}.member`;
        if (item === null) problems.push(violation('null', itemPath, 'Member must not be null'));
        else out.push(readMember(spec.member, item, itemPath, problems));
      });
      return out;
    }
    default:
      return assertNever(spec, 'member kind');
  }
}

/** The first constraint a string breaks, in AWS's words. */
function checkString(spec: StringSpec, value: string): string | undefined {
  if (spec.min !== undefined && value.length < spec.min) {
    return `Member must have length greater than or equal to ${spec.min}`;
  }
  if (spec.max !== undefined && value.length > spec.max) {
    return `Member must have length less than or equal to ${spec.max}`;
  }
  // Measured against AWS by a third-party emulator for StartExecution's input (unverified here).
  if (spec.maxBytes !== undefined && utf8Length(value) > spec.maxBytes) {
    return `Member must have size less than or equal to ${spec.maxBytes} bytes in UTF-8 encoding`;
  }
  if (spec.enum !== undefined && !spec.enum.includes(value)) {
    return `Member must satisfy enum value set: [${spec.enum.join(', ')}]`;
  }
  if (spec.pattern !== undefined && !spec.pattern.regex.test(value)) {
    return `Member must satisfy regular expression pattern: ${spec.pattern.text}`;
  }
  return undefined;
}

function violation(shown: string | undefined, path: string, constraint: string): string {
  const value = shown === undefined ? 'Value' : `Value ${shown}`;
  return `${value} at '${path}' failed to satisfy constraint: ${constraint}`;
}

function typeMismatch(path: string, expected: string, raw: Json): EngineError {
  const found = Array.isArray(raw) ? 'a list' : isJsonObject(raw) ? 'an object' : `a ${typeof raw}`;
  return new EngineError('SerializationException', `Expected ${expected} at '${path}', found ${found}`);
}
