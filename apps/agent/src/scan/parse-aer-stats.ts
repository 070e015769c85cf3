/**
 * The total of one `aer_dev_correctable` / `aer_dev_nonfatal` / `aer_dev_fatal` file
 * (Documentation/ABI/testing/sysfs-bus-pci-devices-aer_stats): one `<error name> <count>` line per
 * error bit, then `TOTAL_ERR_COR <n>` (`TOTAL_ERR_NONFATAL`, `TOTAL_ERR_FATAL`). The total counts
 * the error messages the device sent, which can be fewer than the sum of the bits (one message may
 * report several errors), so it is the total that is read, never a sum. Null when the file is
 * absent or has no total line: could not tell. A u64 past what a JSON number holds exactly is
 * reported as the largest one that does (a device that far gone is quarantined either way).
 */
export function parseAerTotal(text: string | null, kind: "COR" | "NONFATAL" | "FATAL"): number | null {
  if (text === null) return null;
  const m = new RegExp(`^TOTAL_ERR_${kind}[ \\t]+(\\d+)[ \\t]*$`, "m").exec(text);
  if (!m) return null;
  const n = BigInt(m[1]!);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}
