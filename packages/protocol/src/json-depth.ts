/**
 * Deepest nesting a JSON text may have, checked before `JSON.parse`: the parser recurses per
 * level, and an array nested 1.5 million deep overflowed the stack of the control plane (and
 * stalled it for seconds). The deepest real message (an inventory snapshot) nests about 8 levels.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` nests objects/arrays deeper than `max`, scanning characters once (strings skipped). */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
