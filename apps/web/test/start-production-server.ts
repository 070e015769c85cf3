import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiToken, setupFirstAdmin, signIn } from "../lib/client/bootstrap-admin.ts";

export interface ProductionServer {
  url: string;
  /** The first admin (created through the first-run API) and an admin API token. */
  admin: { url: string; token: string; username: string; password: string };
  output: () => string;
  stop(): Promise<void>;
}

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));

/**
 * The control plane exactly as operators start it (`server/index.ts` in production mode, over
 * the `next build` output) in its own process, with its own embedded PostgreSQL.
 */
export async function startProductionServer(env: Record<string, string> = {}): Promise<ProductionServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "vfleet-web-e2e-"));
  const child: ChildProcess = spawn(process.execPath, [join(WEB_DIR, "node_modules/tsx/dist/cli.mjs"), "server/index.ts"], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      VFLEET_DATA_DIR: join(dataDir, "pg"),
      VFLEET_AUTH_SECRET_FILE: join(dataDir, "auth-secret"),
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`control plane did not start within 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const m = /control plane ready at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`control plane exited with ${code}:\n${output}`));
    });
  });
  const password = randomBytes(18).toString("base64url");
  await setupFirstAdmin(url, "admin", password);
  const token = await createApiToken(url, { cookie: await signIn(url, "admin", password) }, { name: "test-admin", role: "admin" });
  return {
    url,
    admin: { url, token, username: "admin", password },
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
