import { IntrinsicResultTooLarge, MAX_INTRINSIC_RESULT_BYTES } from './intrinsic-failure.ts';

/**
 * The template of `States.Format`: `{}` is a placeholder, and in a string literal `\{` and `\}` are
 * literal braces. Any other brace is an error (AWS fails `'Hello {'`, `'}'` and `'{{}}'` at run time).
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder' };

interface TemplateChar {
  char: string;
  escaped: boolean;
}

/** Reads a template written as a string literal (its raw text, escapes still in). */
export function parseLiteralTemplate(raw: string): TemplatePart[] | undefined {
  const chars: TemplateChar[] = [];
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i] as string;
    if (char === '\\' && i + 1 < raw.length) {
      chars.push({ char: raw[i + 1] as string, escaped: true });
      i++;
    } else {
      chars.push({ char, escaped: false });
    }
  }
  return parseTemplateChars(chars);
}

/** Reads a template that came from a path: its text has no escapes. */
export function parseValueTemplate(text: string): TemplatePart[] | undefined {
  return parseTemplateChars(Array.from(text, (char) => ({ char, escaped: false })));
}

function parseTemplateChars(chars: readonly TemplateChar[]): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < chars.length; i++) {
    const { char, escaped } = chars[i] as TemplateChar;
    if (!escaped && char === '{') {
      const next = chars[i + 1];
      if (!next || next.escaped || next.char !== '}') return undefined;
      if (text !== '') parts.push({ kind: 'text', text });
      parts.push({ kind: 'placeholder' });
      text = '';
      i++;
    } else if (!escaped && char === '}') {
      return undefined;
    } else {
      text += char;
    }
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}

/** Fills the placeholders in order; undefined when the counts differ. */
export function fillTemplate(parts: readonly TemplatePart[], values: readonly string[]): string | undefined {
  const placeholders = parts.filter((part) => part.kind === 'placeholder').length;
  if (placeholders !== values.length) return undefined;
  let length = 0;
  let next = 0;
  for (const part of parts)
    length += part.kind === 'text' ? part.text.length : (values[next++] as string).length;
  if (length > MAX_INTRINSIC_RESULT_BYTES) throw new IntrinsicResultTooLarge('States.Format');
  next = 0;
  return parts.map((part) => (part.kind === 'text' ? part.text : (values[next++] as string))).join('');
}
