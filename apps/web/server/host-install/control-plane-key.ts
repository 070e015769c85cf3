import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import ssh2 from "ssh2";

export interface ControlPlaneKey {
  privateKey: string;
  publicKey: string;
}

/**
 * The control plane's own SSH key (ed25519, OpenSSH format), made on first use in `dir` (0600).
 * Operators put its public half in the install user's authorized_keys.
 */
export async function loadControlPlaneKey(dir: string): Promise<ControlPlaneKey> {
  const file = path.join(dir, "id_ed25519");
  const existing = await readFile(file, "utf8").catch(() => null);
  if (existing !== null) return { privateKey: existing, publicKey: (await readFile(`${file}.pub`, "utf8")).trim() };
  const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment: "vfleet-control-plane" });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(file, pair.private, { mode: 0o600, flag: "wx" }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== "EEXIST") throw err; // another process made it first: use theirs
  });
  await writeFile(`${file}.pub`, `${pair.public.trim()}\n`, { flag: "wx" }).catch(() => {});
  return { privateKey: await readFile(file, "utf8"), publicKey: (await readFile(`${file}.pub`, "utf8")).trim() };
}
