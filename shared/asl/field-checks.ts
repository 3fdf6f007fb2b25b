import type { QueryLanguage } from '../language/types.ts';
import { isJsonObject, type Json, type JsonObject } from '../lib/json.ts';
import { childLocation, type JsonTypeName, Messages, schemaError } from './diagnostics.ts';
import type { NumberRule } from './state-fields.ts';
import type { ValidationContext } from './validation-context.ts';

/** Generic checks of one field's value, each reporting to the context and saying whether the value passed. */

/** A JSONata expression is a whole string `{% … %}` (AWS: the ASL docs on JSONata). */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}');
}

export function checkType(
  ctx: ValidationContext,
  value: unknown,
  type: JsonTypeName,
  location: string,
): boolean {
  if (hasType(value, type)) return true;
  ctx.diagnostics.push(schemaError(Messages.expectedType(type), location));
  return false;
}

function hasType(value: unknown, type: JsonTypeName): boolean {
  switch (type) {
    case 'STRING':
      return typeof value === 'string';
    case 'INTEGER':
      return Number.isInteger(value);
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value);
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'OBJECT':
      return isJsonObject(value as Json);
    case 'ARRAY':
      return Array.isArray(value);
  }
}

/** Reports every key of `object` that `allowed` does not hold, at the object's location (as AWS does). */
export function checkAllowedFields(
  ctx: ValidationContext,
  object: JsonObject,
  allowed: ReadonlySet<string>,
  location: string,
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) ctx.diagnostics.push(schemaError(Messages.notSupported(key), location));
  }
}

/** Reports the missing ones of `required` in one diagnostic; true when none is missing. */
export function checkRequired(
  ctx: ValidationContext,
  object: JsonObject,
  required: readonly string[],
  location: string,
): boolean {
  const missing = required.filter((field) => !Object.hasOwn(object, field));
  if (missing.length === 0) return true;
  ctx.diagnostics.push(schemaError(Messages.required(missing), location));
  return false;
}

export function checkEnum(
  ctx: ValidationContext,
  value: unknown,
  allowed: readonly string[],
  location: string,
): boolean {
  if (!checkType(ctx, value, 'STRING', location)) return false;
  if (allowed.includes(value as string)) return true;
  ctx.diagnostics.push(schemaError(Messages.oneOfValues(allowed), location));
  return false;
}

/**
 * A number with bounds. In a JSONata state the field may instead hold a `{% %}` expression, checked at
 * run time. AWS prints bounds of decimal fields as Java doubles (`Minimum value is 0.0`).
 */
export function checkNumber(
  ctx: ValidationContext,
  value: unknown,
  rule: NumberRule,
  location: string,
  language: QueryLanguage,
): boolean {
  if (language === 'JSONata' && isJsonataExpression(value)) return true;
  if (!checkType(ctx, value, rule.integer ? 'INTEGER' : 'NUMBER', location)) return false;
  const number = value as number;
  if (rule.min !== undefined && number < rule.min) {
    ctx.diagnostics.push(schemaError(Messages.minimum(formatBound(rule.min, rule.integer)), location));
    return false;
  }
  if (rule.max !== undefined && number > rule.max) {
    ctx.diagnostics.push(schemaError(Messages.maximum(formatBound(rule.max, rule.integer)), location));
    return false;
  }
  return true;
}

function formatBound(bound: number, integer: boolean): string {
  return integer || !Number.isInteger(bound) ? String(bound) : `${bound}.0`;
}

/** Each group holds fields of which at most one may be present; reports at the object's location. */
export function checkExclusive(
  ctx: ValidationContext,
  object: JsonObject,
  group: readonly string[],
  location: string,
): void {
  const present = group.filter((field) => Object.hasOwn(object, field));
  if (present.length > 1) ctx.diagnostics.push(schemaError(Messages.onlyOneOf(group), location));
}

/** A field of `object` when present, with its location. */
export function fieldOf(
  object: JsonObject,
  field: string,
  location: string,
): { value: Json; location: string } | undefined {
  if (!Object.hasOwn(object, field)) return undefined;
  return { value: object[field] as Json, location: childLocation(location, field) };
}
