import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inventory } from "@vfleet/protocol";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, previewAndConfirm, waitFor, type Api } from "./jobs-helpers.ts";
import { enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";
import { connectReadyAgent } from "./test-agent.ts";

/**
 * Operators and concurrency: two real agent processes on simulated Intel 82576 hosts
 * (7 VFs per port; guestVM holds VF 1 of 03:00.0; eno1 carries the default route), real
 * PostgreSQL, the real REST API. Refusals the inventory shows come back before queueing; a
 * stale confirm gets 409 with the new preview; MACs are unique per VLAN across the fleet; an
 * operator abandons a job stuck in `unknown`, and redelivery stops at its cap.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const [A, B] = ["ops-a", "ops-b"];
const PF0 = "0000:03:00.0";
const PF1 = "0000:03:00.1";
const ENO1 = "0000:05:00.0";

let stack: TestStack;
let fleet: Fleet;
let workDir: string;
let api: Api;
/** A second operator (the stack's operator token is alice): audit actors read token:alice and token:bob. */
let bobApi: Api;
const hostIds: Record<string, string> = {};

const inventory = async (name: string) => (await api.get(`/api/v1/hosts/${hostIds[name]}`)).body.inventory as Inventory;
const jobIn = (id: string, states: string[], timeoutMs = 30_000) =>
  waitFor(
    `job ${id} in ${states.join("/")}`,
    async () => {
      const j = (await api.get(`/api/v1/jobs/${id}`)).body.job;
      return states.includes(j.state) ? j : undefined;
    },
    timeoutMs,
  );
const post = (name: string, job: unknown, extra: Record<string, unknown> = {}, as: "alice" | "bob" = "alice") =>
  (as === "bob" ? bobApi : api).post("/api/v1/jobs", { hostId: hostIds[name], job, ...extra });
/** Preview, then confirm with its basis. */
const queue = (name: string, job: unknown, as: "alice" | "bob" = "alice") =>
  previewAndConfirm(as === "bob" ? bobApi : api, "/api/v1/jobs", { hostId: hostIds[name], job });
const numVfs = async (name: string, pf: string) => (await inventory(name)).devices.find((d) => d.address === pf)!.sriov!.numVfs;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-safety-"));
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  const bob = await apiClient(stack.plane.url, stack.tokens.admin).post("/api/v1/tokens", { name: "bob", role: "operator" });
  bobApi = apiClient(stack.plane.url, bob.body.token as string);
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [
      { name: A, profile: "intel-82576" },
      { name: B, profile: "intel-82576" },
    ],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 500,
    log: () => {},
  });
  await waitFor("both hosts' first snapshots", async () => {
    const hosts = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    for (const h of hosts) if (h.snapshotAt) hostIds[h.name] = h.id;
    return hostIds[A] && hostIds[B] ? true : undefined;
  });
});

afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("refusals the inventory shows come back before queueing, naming the field", () => {
  it("a PF with VFs or a bridge to a guest or vfio-pci, the default route's NIC, vfio-pci ids taking it at boot", async () => {
    const cases: [string, unknown, string, string][] = [
      [
        "PF with VFs to a guest",
        { kind: "guest.attach", params: { guest: "guestVM", devices: [{ address: PF0 }] } },
        "job.params.devices.0.address",
        `${PF0} is an SR-IOV PF with 7 VFs`,
      ],
      [
        "root port to vfio-pci",
        { kind: "device.bind", params: { device: "0000:00:01.0", driver: "vfio-pci" } },
        "job.params.device",
        "0000:00:01.0 is a PCI bridge (class 0604)",
      ],
      [
        "host bridge to a guest",
        { kind: "guest.attach", params: { guest: "guestVM", devices: [{ address: "0000:00:00.0" }] } },
        "job.params.devices.0.address",
        "0000:00:00.0 is a system bridge (class 0600)",
      ],
      [
        "LPC bridge to vfio-pci",
        { kind: "device.bind", params: { device: "0000:00:1f.0", driver: "vfio-pci" } },
        "job.params.device",
        "0000:00:1f.0 is a system bridge (class 0601)",
      ],
      [
        "default route NIC to vfio-pci",
        { kind: "device.bind", params: { device: ENO1, driver: "vfio-pci" } },
        "job.params.device",
        `refused to unbind ${ENO1}: its interface eno1 carries the host's default route`,
      ],
      [
        "vfio-pci ids taking eno1 at boot",
        { kind: "host.persist", params: { vfCounts: [], vfioIds: ["8086:10d3"] } },
        "job.params.vfioIds.0",
        `vfio-pci ids=8086:10d3 would take ${ENO1} at boot`,
      ],
    ];
    for (const [what, job, field, message] of cases) {
      const res = await post(A, job, { dryRun: true });
      expect(res.status, what).toBe(400);
      expect(res.body.field, what).toBe(field);
      expect(res.body.error, what).toContain(message);
    }
    expect(await stack.db.job.count()).toBe(0);
  });

  it("a VF count change under assigned VFs: 409 naming the guests, for 0 and for any other count", async () => {
    for (const count of [0, 4]) {
      const res = await post(A, { kind: "vf.set-count", params: { pf: PF0, count } });
      expect(res.status, `count ${count}`).toBe(409);
      expect(res.body.field).toBe("job.params.count");
      expect(res.body.error).toContain("1 of them are assigned to guests (guestVM)");
    }
    expect(await stack.db.job.count()).toBe(0);
    expect(await numVfs(A, PF0)).toBe(7);
  });
});

describe("a confirm carries the state it was previewed against", () => {
  it("Alice previews 7 -> 4, Bob sets 2, Alice's old confirm gets 409 with the new preview; the PF keeps Bob's 2", async () => {
    const preview = await post(A, { kind: "vf.set-count", params: { pf: PF1, count: 4 } }, { dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.preview.summary).toBe(`vf.set-count ${PF1}: 7 -> 4`);
    const bob = await queue(A, { kind: "vf.set-count", params: { pf: PF1, count: 2 } }, "bob");
    expect(bob.status).toBe(201);
    await jobIn(bob.body.job.id, ["succeeded"]);
    await waitFor("Bob's 2 VFs in the stored inventory", async () => ((await numVfs(A, PF1)) === 2 ? true : undefined));

    const stale = await post(A, { kind: "vf.set-count", params: { pf: PF1, count: 4 } }, { basis: preview.body.basis });
    expect(stale.status).toBe(409);
    expect(stale.body.field).toBe("basis");
    expect(stale.body.previews[0].summary).toBe(`vf.set-count ${PF1}: 2 -> 4`);
    expect(stale.body.basis).not.toBe(preview.body.basis);
    expect(await stack.db.job.count({ where: { hostId: hostIds[A], createdBy: "token:alice" } })).toBe(0);
    expect(await numVfs(A, PF1)).toBe(2);

    // Confirming what the host is now goes through.
    const again = await post(A, { kind: "vf.set-count", params: { pf: PF1, count: 4 } }, { basis: stale.body.basis });
    expect(again.status).toBe(201);
    await jobIn(again.body.job.id, ["succeeded"]);
  });
});

describe("MACs are unique per VLAN across the fleet", () => {
  it("a MAC queued or set on one host is refused on another on the same VLAN, allowed on another VLAN", async () => {
    const mac = "52:54:00:aa:bb:01";
    const first = await queue(A, { kind: "vf.configure", params: { pf: PF0, vf: 0, mac, vlan: 10 } });
    expect(first.status).toBe(201);
    // While A's job is pending, and after it succeeded and the inventory shows the MAC on A's VF.
    const pending = await post(B, { kind: "vf.configure", params: { pf: PF0, vf: 0, mac, vlan: 10 } }, { dryRun: true });
    expect(pending.status).toBe(409);
    expect(pending.body.field).toBe("job.params.mac");
    expect(pending.body.error).toContain(`MAC ${mac} on VLAN 10 is already used by`);
    expect(pending.body.error).toContain(`on ${A}`);
    await jobIn(first.body.job.id, ["succeeded"]);
    await waitFor("the MAC in A's stored inventory", async () =>
      (await inventory(A)).devices.find((d) => d.address === PF0)!.sriov!.vfConfigs[0]!.mac === mac ? true : undefined,
    );
    const stored = await post(B, { kind: "vf.configure", params: { pf: PF0, vf: 0, mac, vlan: 10 } });
    expect(stored.status).toBe(409);
    expect(stored.body.error).toMatch(new RegExp(`already used by VF 0000:0[0-9a-f]:[0-9a-f.]+ on ${A}`));
    // Also through a guest's <interface type='hostdev'> and for the same VF's VLAN change only... another VLAN is fine.
    const viaGuest = await post(
      B,
      {
        kind: "guest.attach",
        params: {
          guest: "guestVM",
          devices: [{ address: (await inventory(B)).devices.find((d) => d.physfn === PF1)!.address, kind: "interface", mac, vlan: 10 }],
        },
      },
      { dryRun: true },
    );
    expect([viaGuest.status, viaGuest.body.field]).toEqual([409, "job.params.devices.0.mac"]);
    expect((await post(B, { kind: "vf.configure", params: { pf: PF0, vf: 0, mac, vlan: 11 } }, { dryRun: true })).status).toBe(200);
    // Re-running the same setting on A's own VF is not a clash with itself.
    expect((await post(A, { kind: "vf.configure", params: { pf: PF0, vf: 0, mac, vlan: 10 } }, { dryRun: true })).status).toBe(200);
    // Two jobs of one plan.
    const plan = await api.post("/api/v1/plans", {
      hostId: hostIds[B],
      dryRun: true,
      jobs: [
        { ref: "a", job: { kind: "vf.configure", params: { pf: PF0, vf: 2, mac: "52:54:00:aa:bb:02", vlan: 20 } } },
        { ref: "b", job: { kind: "vf.configure", params: { pf: PF0, vf: 3, mac: "52:54:00:aa:bb:02", vlan: 20 } } },
      ],
    });
    expect([plan.status, plan.body.field]).toEqual([409, "jobs.1.job.params.mac"]);
  });
});

describe("jobs whose host never returns", () => {
  it("an operator abandons a job stuck in unknown (audited, devices freed); redelivery stops at 5 with abandoned", async () => {
    const hand = await enrollHost(stack.admin, "hand-ops", "hand-ops");
    const inv = await inventory(A);
    const connect = async () => {
      const { agent } = await connectReadyAgent(stack.agentUrl, hand.credential, "hand-ops");
      agent.snapshot({ ...inv, host: { ...inv.host, hostname: "hand-ops" } });
      await agent.next("inventory.ack");
      return agent;
    };
    let agent = await connect();
    const res = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId: hand.hostId,
      job: { kind: "vf.set-count", params: { pf: PF1, count: 1 } },
    });
    expect(res.status).toBe(201);
    await agent.next("job.dispatch");
    await agent.close(); // the host goes away with the job and never returns
    await jobIn(res.body.job.id, ["unknown"], 10_000);
    expect((await bobApi.post(`/api/v1/jobs/${res.body.job.id}/cancel`, {})).status).toBe(409);
    const abandoned = await bobApi.post(`/api/v1/jobs/${res.body.job.id}/abandon`, {});
    expect(abandoned.status).toBe(200);
    expect(abandoned.body.job).toMatchObject({
      state: "abandoned",
      error: expect.stringMatching(/^abandoned by token:bob while unknown .*not known: check the host/),
    });
    const audit = await stack.db.auditEvent.findMany({ where: { jobId: res.body.job.id, action: "job.abandoned" } });
    expect(audit.map((e) => e.actor)).toEqual(["token:bob"]);
    expect((await bobApi.post(`/api/v1/jobs/${res.body.job.id}/abandon`, {})).status).toBe(409);

    // The PF is free again; this job's agent takes it and drops the socket, five times.
    const next = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId: hand.hostId,
      job: { kind: "vf.set-count", params: { pf: PF1, count: 1 } },
    });
    expect(next.status).toBe(201);
    for (let attempt = 1; attempt <= 5; attempt++) {
      agent = await connect();
      expect((await agent.next("job.dispatch")).payload.attempt).toBe(attempt);
      await agent.close();
    }
    agent = await connect();
    const gaveUp = await jobIn(next.body.job.id, ["abandoned"], 10_000);
    expect(gaveUp.attempt).toBe(5);
    expect(gaveUp.error).toMatch(/^no result after 5 deliveries; redelivery stopped/);
    await new Promise((r) => setTimeout(r, 500));
    expect(agent.received.filter((m) => m.type === "job.dispatch")).toEqual([]);
    expect(await stack.db.auditEvent.count({ where: { jobId: next.body.job.id, action: "job.abandoned", actor: "vfleet" } })).toBe(1);
    await agent.close();
  });
});
