/**
 * Attribute virsh's stderr from a batch script to the commands that failed. virsh goes on
 * after a failed command and exits 0 at the end, so stderr is the only record: each failure
 * starts with a line naming the command's XML file ("error: Failed to attach device from
 * /tmp/.../dev-017.xml") followed by libvirt's reason. Pure.
 */
export type BatchErrors = {
  /** File index -> libvirt's lines for that device. */
  byIndex: Map<number, string>;
  /** Error lines not tied to any file (connection lost, virsh itself failing). */
  unattributed: string[];
};

export function parseBatchErrors(stderr: string, paths: readonly string[]): BatchErrors {
  const byIndex = new Map<number, string>();
  const unattributed: string[] = [];
  // The device whose failure block is open, and whether its one `error:` reason line came yet:
  // a second `error:` line naming no file belongs to nobody (e.g. the connection dropping).
  let current: number | null = null;
  let hasReason = false;
  for (const raw of stderr.split("\n")) {
    const line = raw.trimEnd();
    if (!line) continue;
    const index = paths.findIndex((p) => line.includes(p));
    if (index !== -1) {
      current = index;
      hasReason = false;
      byIndex.set(index, byIndex.has(index) ? `${byIndex.get(index)}\n${line}` : line);
    } else if (current !== null && (!hasReason || !line.startsWith("error: "))) {
      hasReason ||= line.startsWith("error: ");
      byIndex.set(current, `${byIndex.get(current)}\n${line}`);
    } else {
      current = null;
      unattributed.push(line);
    }
  }
  return { byIndex, unattributed };
}
