import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleAgent } from "@vfleet/agent/build";
import { scanHost } from "@vfleet/agent/scan";
import { listHosts, loadInventory, normalizeInventory } from "@vfleet/db";
import { bearer, startTestStack, type TestStack } from "./start-test-stack.ts";
import { asScanned } from "./as-scanned.ts";
import { waitFor } from "./jobs-helpers.ts";

const run = promisify(execFile);

/**
 * The built agent artifact on its own: copied into a directory with no node_modules, run with
 * plain `node` from its config file, it scans this machine's /sys, enrolls with a one-time token
 * and reports; `status` and `doctor` read what the daemon wrote.
 */
let stack: TestStack;
let dir: string;
let agent: ChildProcess | undefined;
let stderr = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-artifact-run-"));
  await bundleAgent(join(dir, "vfleet-agent.mjs"));
  stack = await startTestStack();
});

afterAll(async () => {
  agent?.kill("SIGTERM");
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the agent artifact (one .mjs file, no node_modules)", () => {
  it("enrolls from its config file and stores exactly what it scanned of this machine's /sys", async () => {
    const tokenRes = await fetch(`${stack.plane.url}/api/v1/enrollment-tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(stack.tokens.admin) },
      body: JSON.stringify({ hostName: "artifact-01" }),
    });
    const { token } = (await tokenRes.json()) as { token: string };
    await writeFile(join(dir, "enroll-token"), `${token}\n`, { mode: 0o600 });
    const config = join(dir, "config.json");
    await writeFile(
      config,
      JSON.stringify({
        server: stack.agentUrl,
        state: join(dir, "state.json"),
        enrollTokenFile: join(dir, "enroll-token"),
        scanIntervalMs: 500,
      }),
    );

    agent = spawn(process.execPath, [join(dir, "vfleet-agent.mjs"), "run", "--config", config], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    agent.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });

    const host = await waitFor("the artifact's host online with a snapshot", async () => {
      const h = (await listHosts(stack.db)).find((x) => x.name === "artifact-01");
      return h?.online && h.snapshotAt ? h : undefined;
    });
    const stored = await loadInventory(stack.db, host.id);
    expect(asScanned(stored!)).toEqual(normalizeInventory(await scanHost("/")));
    expect(stored!.host.simulated).toBe(false); // the artifact refuses --simulated: this machine's kernel

    // Structured logs: one JSON object a line.
    const first = JSON.parse(stderr.split("\n")[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ service: "vfleet-agent", msg: expect.stringMatching(/^enrolled as artifact-01/) });

    const status = await waitFor("status: connected with a snapshot", async () => {
      const r = await run(process.execPath, [join(dir, "vfleet-agent.mjs"), "status", "--config", config, "--json"], { cwd: dir }).catch(
        () => undefined,
      );
      const s =
        r && (JSON.parse(r.stdout) as { connected: boolean; lastSnapshotAt: string | null; hostName: string; runningJobs: string[] });
      return s?.connected && s.lastSnapshotAt ? s : undefined;
    });
    expect(status).toMatchObject({ hostName: "artifact-01", runningJobs: [], pid: agent.pid });

    const doctor = await run(process.execPath, [join(dir, "vfleet-agent.mjs"), "doctor", "--config", config, "--json"], { cwd: dir }).catch(
      (e: { stdout: string }) => e,
    );
    const checks = JSON.parse(doctor.stdout) as { name: string; verdict: string; detail: string }[];
    expect(checks.find((c) => c.name === "server")).toMatchObject({ verdict: "ok" });
    expect(checks.find((c) => c.name === "sysfs")).toMatchObject({ verdict: "ok" });
    expect(checks.find((c) => c.name === "enrolled")).toMatchObject({ verdict: "ok", detail: expect.stringContaining("artifact-01") });
    // This machine has no IOMMU groups: doctor says so rather than passing it.
    expect(checks.find((c) => c.name === "iommu")).toMatchObject({ verdict: "fail" });
  });

  it("keeps its credential across a restart: no token needed the second time", async () => {
    agent!.kill("SIGTERM");
    await new Promise((r) => agent!.once("exit", r));
    await rm(join(dir, "enroll-token"));
    const before = (await listHosts(stack.db)).length;
    agent = spawn(process.execPath, [join(dir, "vfleet-agent.mjs"), "run", "--config", join(dir, "config.json")], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const pid = agent.pid;
    await waitFor("the restarted daemon connected", async () => {
      const r = await run(process.execPath, [join(dir, "vfleet-agent.mjs"), "status", "--config", join(dir, "config.json"), "--json"], {
        cwd: dir,
      }).catch(() => undefined);
      const s = r && (JSON.parse(r.stdout) as { connected: boolean; pid: number });
      return s?.connected && s.pid === pid ? s : undefined;
    });
    expect((await listHosts(stack.db)).length).toBe(before);
    expect((await listHosts(stack.db)).find((x) => x.name === "artifact-01")?.online).toBe(true);
  });
});
