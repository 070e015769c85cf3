import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface PlaneProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no close frames, no offline writes, no unregistering (a crash or an OOM kill). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));

/**
 * One control-plane process as operators start it (`server/index.ts`, production build) against
 * a shared PostgreSQL (`DATABASE_URL`): several of these are the multi-process deployment.
 */
export async function startPlaneProcess(databaseUrl: string, authSecret: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<PlaneProcess> {
  // tsx's loader in this very process (not the tsx CLI, which runs the server in a child that a SIGKILL would orphan).
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server/index.ts"], {
    cwd: WEB_DIR,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", DATABASE_URL: databaseUrl, VFLEET_AUTH_SECRET: authSecret, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => { output += d.toString(); });
  child.stderr!.on("data", (d: Buffer) => { output += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`control plane did not start within 90 s:\n${output}`)), 90_000);
    child.stdout!.on("data", () => {
      const m = /control plane ready at (http:\/\/\S+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`control plane exited with ${code}:\n${output}`)); });
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, port: Number(new URL(url).port), child, output: () => output, kill: () => end("SIGKILL"), stop: () => end("SIGTERM") };
}
