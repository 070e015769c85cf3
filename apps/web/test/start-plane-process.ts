import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
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

export interface PlaneProcessOptions {
  env?: Record<string, string>;
  /** Node flags before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /**
   * Write the process's log to this file instead of a pipe. A load generator busy with thousands
   * of sockets reads a pipe late, and pino's synchronous writes to a full pipe stall the server.
   */
  logFile?: string;
}

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));

/**
 * One control-plane process as operators start it (`server/index.ts`, production build) against
 * a shared PostgreSQL (`DATABASE_URL`): several of these are the multi-process deployment.
 */
export async function startPlaneProcess(databaseUrl: string, authSecret: string, options: PlaneProcessOptions = {}): Promise<PlaneProcess> {
  const fd = options.logFile ? openSync(options.logFile, "a") : null;
  // tsx's loader in this very process (not the tsx CLI, which runs the server in a child that a SIGKILL would orphan).
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", "server/index.ts"], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      VFLEET_AUTH_SECRET: authSecret,
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
    stdio: ["ignore", fd ?? "pipe", fd ?? "pipe"],
  });
  if (fd !== null) closeSync(fd);
  let piped = "";
  child.stdout?.on("data", (d: Buffer) => {
    piped += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    piped += d.toString();
  });
  const output = () => (options.logFile ? readFileSync(options.logFile, "utf8") : piped);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`control plane did not start within 90 s:\n${output()}`));
    }, 90_000);
    const poll = setInterval(() => {
      const m = /control plane ready at (http:\/\/\S+)/.exec(output());
      if (m) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(m[1]!);
      }
    }, 100);
    child.once("exit", (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`control plane exited with ${code}:\n${output()}`));
    });
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, port: Number(new URL(url).port), child, output, kill: () => end("SIGKILL"), stop: () => end("SIGTERM") };
}
