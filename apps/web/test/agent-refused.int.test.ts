import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildTree } from "@vfleet/simulator";
import { enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * A host renamed after enrollment reports a hostname its credential does not carry: the server
 * closes 4403, and the real agent process must stop (exit 3) instead of reconnecting in a loop.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
let stack: TestStack;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  dir = await mkdtemp(join(tmpdir(), "vfleet-refused-"));
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("an agent whose host was renamed stops with exit code 3 after one refusal", async () => {
  await buildTree("intel-82576", join(dir, "root"));
  const enrolled = await enrollHost(stack.admin, "old-name", "old-name");
  const statePath = join(dir, "state.json");
  await writeFile(
    statePath,
    JSON.stringify({ server: stack.agentUrl, hostId: enrolled.hostId, hostName: enrolled.hostName, credential: enrolled.credential }),
  );
  const child = spawn(
    process.execPath,
    ["--import", "tsx", agentCli, "run", "--state", statePath, "--root", join(dir, "root"), "--simulated"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 60_000);
    child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(code, stderr).toBe(3);
  expect(stderr).toMatch(/server refused this agent \(4403\)/);
  expect(stderr.match(/reconnecting in/g) ?? []).toHaveLength(0);
  const refusals = stack.logs.filter((l) => l.fields?.closeCode === 4403);
  expect(refusals).toHaveLength(1);
});
