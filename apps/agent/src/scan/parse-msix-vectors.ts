/**
 * MSI-X table size from a function's config space: walk the capability list from 0x34 to
 * the MSI-X capability (id 0x11); Message Control bits 10:0 hold size - 1. Null when the
 * function has no MSI-X or the config read was truncated (non-root reads get 64 bytes).
 */
export function parseMsixVectors(config: Buffer | null): number | null {
  if (!config || config.length < 0x40) return null;
  if ((config.readUInt16LE(0x06) & 0x0010) === 0) return null; // no capability list
  let ptr = config.readUInt8(0x34) & 0xfc;
  for (let hops = 0; ptr >= 0x40 && ptr + 4 <= config.length && hops < 48; hops++) {
    if (config.readUInt8(ptr) === 0x11) return (config.readUInt16LE(ptr + 2) & 0x7ff) + 1;
    ptr = config.readUInt8(ptr + 1) & 0xfc;
  }
  return null;
}
