import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";

/** What the running daemon says about itself, for `vfleet-agent status` (no secret in it). */
export const AgentStatus = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  updatedAt: z.string(),
  server: z.string(),
  hostName: z.string(),
  connected: z.boolean(),
  /** When the control plane last acknowledged a snapshot (or said it already held this content). */
  lastSnapshotAt: z.string().nullable(),
  lastSnapshotHash: z.string().nullable(),
  runningJobs: z.array(z.string()),
  lastError: z.string().nullable(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

export async function readAgentStatus(file: string): Promise<AgentStatus | null> {
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) return null;
  const parsed = AgentStatus.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/**
 * Keeps the status file current: every change is merged and written (temp file + rename, so a
 * reader never sees half of it), one write at a time, the newest state winning.
 */
export function createStatusWriter(file: string, initial: AgentStatus): (change: Partial<AgentStatus>) => void {
  let status = initial;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    const snapshot = JSON.stringify(status, null, 2);
    writing = writing
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        const tmp = `${file}.tmp-${process.pid}`;
        await writeFile(tmp, snapshot);
        await rename(tmp, file);
      })
      .catch(() => {});
  };
  write();
  return (change) => {
    status = { ...status, ...change, updatedAt: new Date().toISOString() };
    write();
  };
}
