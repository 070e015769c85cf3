import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";

/** What an enrolled agent keeps on disk: its per-host credential (a secret: mode 0600). */
export const AgentState = z.object({
  server: z.string().url(),
  hostId: z.string(),
  hostName: z.string(),
  credential: z.string().min(16),
});
export type AgentState = z.infer<typeof AgentState>;

export async function readAgentState(path: string): Promise<AgentState | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const parsed = AgentState.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`agent state file ${path} is invalid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Written to a temp name then renamed, so a crash never leaves half a credential. */
export async function writeAgentState(path: string, state: AgentState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  await rename(tmp, path);
}
