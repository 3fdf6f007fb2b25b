/**
 * How deep JSON may nest: 1,000 levels of objects and arrays, the default of Jackson (the JSON library
 * of AWS's Java services, `StreamReadConstraints.DEFAULT_MAX_DEPTH`). Deeper documents are refused before
 * they are parsed, with Jackson's message: past a few thousand levels the engine's recursive walks
 * (copying, serializing, paths) would overflow the stack and answer 500 rather than AWS's 400.
 */
export const MAX_JSON_NESTING_DEPTH = 1_000;

/** Jackson's message for a document nested deeper than MAX_JSON_NESTING_DEPTH. */
export function nestingTooDeepMessage(depth: number): string {
  return `Document nesting depth (${depth}) exceeds the maximum allowed (${MAX_JSON_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`;
}

/**
 * The first nesting depth past `limit` in a JSON text, or undefined when the text stays within it. One
 * pass over the characters, strings skipped; it does not check that the text is JSON (the parser does).
 */
export function findExcessiveNesting(text: string, limit = MAX_JSON_NESTING_DEPTH): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // Skip the string: a backslash escapes the next character.
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === 0x5c) i++;
        else if (inner === 0x22) break;
      }
    } else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > limit) return depth;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return undefined;
}
