import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { bearer, startTestStack, type TestStack } from "./start-test-stack.ts";
import { waitFor } from "./jobs-helpers.ts";

/**
 * A copied agent credential: a second real agent process with the same state file
 * starts while the host's agent is alive. The first keeps the host (no flapping: it is never
 * disconnected), the second is refused with 4423 and backs off for at least a minute instead of
 * retrying, and the conflict is visible: audit event naming both connections, a flag on the host
 * API and page, and Prometheus metrics.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
let stack: TestStack;
let fleet: Fleet;
let workDir: string;
let thief: ChildProcess | undefined;
const realLog: string[] = [];
const thiefLog: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-fence-"));
  stack = await startTestStack({ heartbeatIntervalMs: 500, offlineAfterMs: 5000 });
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [{ name: "fence-01", profile: "intel-82576" }],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 500,
    log: (line) => realLog.push(line),
  });
});
afterAll(async () => {
  thief?.kill("SIGKILL");
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("two live agents with one credential", () => {
  it("keeps the first, refuses the second (which backs off), audits both and raises the flag and the metric", async () => {
    const host = await waitFor(
      "fence-01 online with a snapshot",
      async () => (await stack.db.host.findFirst({ where: { name: "fence-01", online: true, snapshotHash: { not: null } } })) ?? undefined,
    );
    const connectedAt = host.connectedAt!.getTime();

    // The copy: the same state file (credential) and the same host tree, in a second process.
    const copy = join(workDir, "stolen-state.json");
    await copyFile(join(workDir, "fence-01", "agent-state.json"), copy);
    thief = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        agentCli,
        "run",
        "--server",
        stack.agentUrl,
        "--state",
        copy,
        "--root",
        fleet.hosts[0]!.root,
        "--scan-interval-ms",
        "500",
        "--simulated",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    for (const stream of [thief.stdout, thief.stderr])
      stream?.on("data", (c: Buffer) => thiefLog.push(...c.toString().split("\n").filter(Boolean)));

    const backoff = await waitFor(
      "the copy to be refused",
      () => thiefLog.map((l) => /disconnected \(4423 .*\); reconnecting in (\d+) ms/.exec(l)).find(Boolean) ?? undefined,
    );
    expect(Number(backoff[1])).toBeGreaterThanOrEqual(60_000);
    expect(thiefLog.join("\n")).toContain("another live agent holds this host's credential");

    // Six of the real agent's heartbeats later: still the same connection, never refused or replaced,
    // and the copy has not come back.
    await new Promise((r) => setTimeout(r, 3000));
    const after = await stack.db.host.findUniqueOrThrow({ where: { id: host.id } });
    expect(after.online).toBe(true);
    expect(after.connectedAt!.getTime()).toBe(connectedAt);
    expect(after.lastSeenAt!.getTime()).toBeGreaterThan(Date.now() - 2000);
    expect(realLog.filter((l) => /disconnected|refused/.test(l))).toEqual([]);
    expect(after.credentialConflicts).toBe(1);
    expect(thiefLog.filter((l) => /reconnecting in/.test(l))).toHaveLength(1);

    const audit = await stack.db.auditEvent.findMany({ where: { hostId: host.id, action: "agent.credential-conflict" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: "agent fence-01",
      before: { kept: { remote: "127.0.0.1" } },
      after: { refused: { remote: "127.0.0.1" }, conflicts: 1 },
    });

    const api = (await (await fetch(`${stack.plane.url}/api/v1/hosts/${host.id}`, { headers: bearer(stack.tokens.viewer) })).json()) as {
      host: { credentialConflict: { at: string; count: number } | null };
    };
    expect(api.host.credentialConflict).toMatchObject({ count: 1 });
    const page = await (await fetch(`${stack.plane.url}/hosts/${host.id}`, { headers: bearer(stack.tokens.viewer) })).text();
    expect(page).toMatch(/data-testid="credential-conflict"[^>]*data-count="1"/);
    expect(page.replaceAll("<!-- -->", "")).toContain("A second agent used fence-01&#x27;s credential: 1 connection was refused");

    const metrics = await (await fetch(`${stack.plane.url}/metrics`)).text();
    expect(metrics).toMatch(/^vfleet_agent_credential_conflicts_total 1$/m);
    expect(metrics).toMatch(/^vfleet_hosts_credential_conflict 1$/m);

    // Revoking the credential (the fix) clears the flag; both agents are now refused (4401).
    const revoked = await fetch(`${stack.plane.url}/api/v1/hosts/${host.id}/revoke`, {
      method: "POST",
      headers: { ...bearer(stack.tokens.admin), "content-type": "application/json" },
      body: "{}",
    });
    expect(revoked.status).toBe(200);
    expect((await stack.db.host.findUniqueOrThrow({ where: { id: host.id } })).credentialConflictAt).toBeNull();
  }, 120_000);
});
