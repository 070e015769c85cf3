import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The real agent CLI as a process: `agent run-job ...`, as an operator (or a test harness) runs it. */
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const AGENT_DIR = fileURLToPath(new URL("..", import.meta.url));

export function runJobCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CLI, "run-job", ...args],
      { cwd: AGENT_DIR, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Start `agent run-job` without waiting, so a test can kill it mid-job. */
export function spawnJobCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", CLI, "run-job", ...args], { cwd: AGENT_DIR, stdio: ["ignore", "pipe", "pipe"] });
}
