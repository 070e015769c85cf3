/**
 * Escape text for XML element content and for attribute values in either quote style.
 * Inputs are validated to safe alphabets before they get here; escaping anyway means a
 * future, looser validator cannot turn into XML injection.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
