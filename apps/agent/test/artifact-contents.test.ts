import { execFile, execFileSync } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "@vfleet/protocol";
import { bundleAgent } from "../build/bundle-agent.ts";
import { AGENT_VERSION } from "../src/version.ts";

const run = promisify(execFile);

describe("agent artifact (dist/vfleet-agent.mjs)", () => {
  let dir: string;
  let file: string;
  let inputs: string[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "vfleet-artifact-"));
    file = path.join(dir, "vfleet-agent.mjs");
    ({ inputs } = await bundleAgent(file));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("carries the agent, protocol and core, and no simulator, test or web code", async () => {
    expect(inputs).toContain("apps/agent/src/cli.ts");
    expect(inputs.some((i) => i.startsWith("packages/protocol/src/"))).toBe(true);
    expect(inputs.some((i) => i.startsWith("packages/core/src/"))).toBe(true);
    const forbidden = inputs.filter((i) =>
      /packages\/simulator\/|apps\/web\/|packages\/db\/|\/test\/|\.test\.ts$|vitest|create-simulated-host-io/.test(i),
    );
    expect(forbidden).toEqual([]);
    const text = await readFile(file, "utf8");
    // Names only the simulator defines: a sign it slipped in by another path.
    for (const name of ["applySysfsWrite", "withHostStateLock", "renderTree"]) expect(text).not.toContain(name);
  });

  it("runs from a directory with no node_modules: version, and scan of this machine's /sys", async () => {
    const alone = await mkdtemp(path.join(tmpdir(), "vfleet-artifact-alone-"));
    try {
      const copy = path.join(alone, "vfleet-agent.mjs");
      await copyFile(file, copy);
      const version = await run(process.execPath, [copy, "version", "--json"], { cwd: alone });
      // The artifact says which commit it was built from (12 hex digits, -dirty for uncommitted changes).
      const head = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { encoding: "utf8" }).trim();
      expect(JSON.parse(version.stdout)).toEqual({
        agent: AGENT_VERSION,
        commit: expect.stringMatching(new RegExp(`^${head}(-dirty)?$`)),
        protocol: PROTOCOL_VERSION,
        node: process.versions.node,
      });
      const scan = await run(process.execPath, [copy, "scan", "--json"], { cwd: alone });
      const inv = JSON.parse(scan.stdout) as { devices: { address: string }[] };
      expect(inv.devices.length).toBeGreaterThan(0);
      const simulated = await run(process.execPath, [copy, "run-job", "--simulated", "--json", "{}"], { cwd: alone }).catch(
        (e: { stderr: string; code: number }) => e,
      );
      expect(simulated).toMatchObject({ code: 1 });
      expect((simulated as { stderr: string }).stderr).toMatch(/--simulated needs the simulator.*workspace/);
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });
});
