import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * The session-signing secret: `VFLEET_AUTH_SECRET` when given (several processes behind a load
 * balancer need the same one), else a random one kept in a 0600 file so a restart keeps
 * operators signed in.
 */
export async function loadAuthSecret(fromEnv: string | undefined, file: string): Promise<string> {
  if (fromEnv) return fromEnv;
  try {
    const kept = (await readFile(file, "utf8")).trim();
    if (kept.length >= 32) return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const secret = randomBytes(48).toString("base64url");
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
