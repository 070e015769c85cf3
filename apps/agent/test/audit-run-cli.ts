import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Run the real agent CLI (`agent audit ...`) as a process, as an operator would. */
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const AGENT_DIR = fileURLToPath(new URL("..", import.meta.url));

export function runAudit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CLI, "audit", ...args],
      { cwd: AGENT_DIR, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
