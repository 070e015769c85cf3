import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inventory } from "@vfleet/protocol";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { createControlPlane, type ControlPlane } from "../server/create-control-plane.ts";
import { apiClient, previewAndConfirm, setFaults, sriovPfs, waitFor, type Api } from "./jobs-helpers.ts";
import { enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";
import { connectReadyAgent } from "./test-agent.ts";

/**
 * Jobs end to end: the REST API queues, PostgreSQL holds the truth, the gateway dispatches over
 * the real WebSocket to a real agent PROCESS (`agent run --simulated`) on the simulated DGX-2
 * from an empty start (0 VFs), whose executor changes the tree through the kernel model; steps
 * and the result come back. Faults: the agent's connection dropped, the agent killed, the
 * control plane restarted, all while a sysfs write hangs (the simulator's "firmware stuck").
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const HOST = "dgx-jobs";
/** Per sysfs write: the hung write of the fault tests ends in ETIMEDOUT this soon. */
const WRITE_TIMEOUT_MS = 4000;

let stack: TestStack;
let plane: ControlPlane;
let fleet: Fleet;
let workDir: string;
let api: Api;
let hostId: string;
let pfs: string[];
let totalVfs: number;

const root = () => fleet.hosts[0]!.root;
const inventory = async () => (await api.get(`/api/v1/hosts/${hostId}`)).body.inventory as Inventory | null;
const job = async (id: string) => (await api.get(`/api/v1/jobs/${id}`)).body.job;
const jobIn = (id: string, states: string[], timeoutMs = 30_000) =>
  waitFor(
    `job ${id} in ${states.join("/")}`,
    async () => {
      const j = await job(id);
      return states.includes(j.state) ? j : undefined;
    },
    timeoutMs,
  );
const jobCount = async () => stack.db.job.count();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-jobs-"));
  // 1 s pings: on two busy cores a 500 ms ping can miss and drop the socket (which jobs survive, but tests should not depend on).
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  plane = stack.plane;
  api = apiClient(plane.url, stack.tokens.operator);
  fleet = await startFleet({
    controlPlaneUrl: plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [{ name: HOST, profile: "dgx2", vfs: 0 }],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 500,
    agentArgs: ["--timeout-ms", String(WRITE_TIMEOUT_MS)],
    log: () => {},
  });
  const inv = await waitFor("the DGX-2's first snapshot", async () => {
    const hosts = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    const h = hosts.find((x) => x.name === HOST && x.snapshotAt);
    if (!h) return undefined;
    hostId = h.id;
    return (await inventory()) ?? undefined;
  });
  pfs = sriovPfs(inv).map((d) => d.address);
  totalVfs = sriovPfs(inv)[0]!.sriov!.totalVfs;
  expect(pfs).toHaveLength(10);
  expect(sriovPfs(inv).every((d) => d.sriov!.numVfs === 0)).toBe(true);
});

afterAll(async () => {
  await fleet?.stop();
  if (plane && plane !== stack?.plane) await plane.close();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("bad input at the API", () => {
  it("answers 400 naming the field, and queues nothing", async () => {
    const pf = pfs[0]!;
    const cases: [string, unknown, string][] = [
      ["count above totalvfs", { kind: "vf.set-count", params: { pf, count: totalVfs + 1 } }, "job.params.count"],
      ["negative count", { kind: "vf.set-count", params: { pf, count: -1 } }, "job.params.count"],
      ["non-integer count", { kind: "vf.set-count", params: { pf, count: 1.5 } }, "job.params.count"],
      ["../x as a PF", { kind: "vf.set-count", params: { pf: "../x", count: 1 } }, "job.params.pf"],
      ["a/b as a device", { kind: "device.bind", params: { device: "a/b", driver: "vfio-pci" } }, "job.params.device"],
      ["multicast MAC", { kind: "vf.configure", params: { pf, vf: 0, mac: "01:00:5e:00:00:01" } }, "job.params.mac"],
      ["all-zero MAC", { kind: "vf.configure", params: { pf, vf: 0, mac: "00:00:00:00:00:00" } }, "job.params.mac"],
      ["VLAN 4095", { kind: "vf.configure", params: { pf, vf: 0, vlan: 4095 } }, "job.params.vlan"],
      [
        "guest name with XML",
        { kind: "guest.attach", params: { guest: "vm'/><hostdev mode='x", devices: [{ address: pf }] } },
        "job.params.guest",
      ],
      ["unknown job kind", { kind: "host.reboot", params: {} }, "job.kind"],
    ];
    for (const [what, body, field] of cases) {
      const res = await api.post("/api/v1/jobs", { hostId, job: body });
      expect(res.status, what).toBe(400);
      expect(res.body.field, what).toBe(field);
      expect(res.body.error, what).toMatch(new RegExp(`^${field.replace(/\./g, "\\.")}: `));
    }
    // Who asks is the token's identity: a viewer may not queue, and a name claimed in the body is refused.
    const viewer = await apiClient(plane.url, stack.tokens.viewer).post("/api/v1/jobs", {
      hostId,
      job: { kind: "vf.set-count", params: { pf, count: 1 } },
    });
    expect(viewer.status).toBe(403);
    const claimed = await api.post("/api/v1/jobs", {
      hostId,
      operator: "mallory",
      job: { kind: "vf.set-count", params: { pf, count: 1 } },
    });
    expect(claimed.status).toBe(400);
    expect(await jobCount()).toBe(0);
    const plan = await api.post("/api/v1/plans", {
      hostId,
      jobs: [
        { ref: "a", job: { kind: "vf.set-count", params: { pf, count: 2 } } },
        { ref: "b", job: { kind: "vf.configure", params: { pf, vf: 0, vlan: 4095 } }, dependsOn: ["a"] },
      ],
    });
    expect(plan).toMatchObject({ status: 400, body: { field: "jobs.1.job.params.vlan" } });
    expect(await jobCount()).toBe(0);
  });
});

describe("a job's life", () => {
  it("dry run previews without queuing; the job runs on the real agent; steps, result, inventory and audit log follow", async () => {
    const pf = pfs[0]!;
    const dry = await api.post("/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 16 } }, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.preview.changes).toEqual([{ type: "sysfs", path: `/sys/bus/pci/devices/${pf}/sriov_numvfs`, value: "16" }]);
    expect(await jobCount()).toBe(0);

    const res = await previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 16 } } });
    expect(res.status).toBe(201);
    expect(res.body.job).toMatchObject({ state: "queued", createdBy: "token:alice", summary: `vf.set-count ${pf}: 0 -> 16` });
    const done = await jobIn(res.body.job.id, ["succeeded", "failed"]);
    expect(done).toMatchObject({ state: "succeeded", result: { status: "succeeded", changed: true, observed: { numVfs: 16 } } });
    // One delivery unless the socket dropped (then the agent answers the redelivery from its stored result).
    expect(done.attempt, JSON.stringify(stack.logs.filter((l) => l.level !== "info"))).toBe(1);
    expect(done.steps.map((s: { action: string }) => s.action)).toContain(`write sys/bus/pci/devices/${pf}/sriov_numvfs = 16`);

    // A scan running during the write may see sriov_numvfs before the VF devices; the agent rescans after the result.
    const inv = await waitFor("16 VFs in the stored inventory", async () => {
      const i = await inventory();
      return i?.devices.find((d) => d.address === pf)?.sriov?.numVfs === 16 && i.devices.filter((d) => d.physfn === pf).length === 16
        ? i
        : undefined;
    });
    expect(
      inv.devices.filter((d) => d.physfn === pf).map((d) => d.address),
      JSON.stringify(inv.devices.find((d) => d.address === pf)!.sriov),
    ).toHaveLength(16);

    const history = await api.get(`/api/v1/hosts/${hostId}/jobs`);
    expect(history.body.jobs.map((j: { id: string }) => j.id)).toContain(done.id);
    const audit = await api.get(`/api/v1/audit-log?hostId=${hostId}`);
    const events = audit.body.events.filter((e: { jobId: string }) => e.jobId === done.id);
    expect(events.map((e: { action: string }) => e.action).sort()).toEqual(["job.created", "job.succeeded"]);
    expect(events.find((e: { action: string }) => e.action === "job.succeeded")).toMatchObject({
      actor: "token:alice",
      before: { numVfs: 0, totalVfs },
      after: { changed: true, observed: { numVfs: 16 } },
    });
  });

  it("a refusal the inventory shows comes back before queueing, as the agent would explain it", async () => {
    // device.bind of a PF with VFs: the API refuses it as the agent does (unbinding would destroy them);
    // the plan test below shows the agent's own refusal when the VFs appear after queueing.
    const res = await api.post("/api/v1/jobs", { hostId, job: { kind: "device.bind", params: { device: pfs[0], driver: "vfio-pci" } } });
    expect(res).toMatchObject({
      status: 400,
      body: { field: "job.params.device", error: `job.params.device: ${pfs[0]} is an SR-IOV PF with 16 VFs` },
    });
  });

  it("cancels a queued job; refuses to cancel a finished one", async () => {
    await setFaults(root(), { hangOn: [`${pfs[9]}/sriov_numvfs`] });
    const blocker = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId,
      job: { kind: "vf.set-count", params: { pf: pfs[9], count: 2 } },
    });
    const queued = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId,
      job: { kind: "vf.set-count", params: { pf: pfs[8], count: 2 } },
    });
    await jobIn(blocker.body.job.id, ["running"]);
    const cancel = await api.post(`/api/v1/jobs/${queued.body.job.id}/cancel`, {});
    expect(cancel).toMatchObject({ status: 200, body: { job: { state: "cancelled", error: "cancelled by token:alice" } } });
    const ended = await jobIn(blocker.body.job.id, ["failed"], 20_000);
    expect(ended.result.error.code).toBe("ETIMEDOUT");
    await setFaults(root(), {});
    expect((await api.post(`/api/v1/jobs/${blocker.body.job.id}/cancel`, {})).status).toBe(409);
    expect((await inventory())!.devices.find((d) => d.address === pfs[8])!.sriov!.numVfs).toBe(0);
  });
});

describe("conflicts", () => {
  it("two operators on the same PF at once: one gets 201, the other 409 naming the job that holds it", async () => {
    const pf = pfs[1]!;
    // The winner's write hangs, so it still holds the PF whatever the timing of the two requests.
    await setFaults(root(), { hangOn: [`${pf}/sriov_numvfs`] });
    const [a, b] = await Promise.all([
      previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 8 } } }),
      previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 4 } } }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const [won, lost] = a.status === 201 ? [a, b] : [b, a];
    expect(lost.body.conflict.jobId).toBe(won.body.job.id);
    expect(lost.body.error).toContain(`job ${won.body.job.id}`);
    await jobIn(won.body.job.id, ["failed"], 20_000);
    await setFaults(root(), {});
    expect(await stack.db.job.count({ where: { hostId, params: { path: ["pf"], equals: pf } } })).toBe(1);
  });
});

describe("plans", () => {
  it("stop at the first failure: later jobs cancelled with the reason, the state left explained", async () => {
    const pf = pfs[2]!;
    const jobs = [
      { ref: "two VFs", job: { kind: "vf.set-count", params: { pf, count: 2 } } },
      { ref: "PF to vfio", job: { kind: "device.bind", params: { device: pf, driver: "vfio-pci" } }, dependsOn: ["two VFs"] },
      { ref: "back to 0", job: { kind: "vf.set-count", params: { pf, count: 0 } }, dependsOn: ["PF to vfio"] },
    ];
    const dry = await api.post("/api/v1/plans", { hostId, jobs, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.jobs.map((j: { preview: { summary: string } }) => j.preview.summary)).toEqual([
      `vf.set-count ${pf}: 0 -> 2`,
      `device.bind ${pf}: mlx5_core -> vfio-pci`,
      `vf.set-count ${pf}: 0 -> 0`,
    ]);
    expect(await stack.db.plan.count()).toBe(0);

    const res = await previewAndConfirm(api, "/api/v1/plans", { hostId, title: "stop test", jobs });
    expect(res.status).toBe(201);
    const planId = res.body.plan.id;
    const plan = await waitFor("the plan to finish", async () => {
      const p = (await api.get(`/api/v1/plans/${planId}`)).body;
      return p.plan.finishedAt ? p : undefined;
    });
    expect(plan.jobs.map((j: { state: string }) => j.state)).toEqual(["succeeded", "failed", "cancelled"]);
    expect(plan.jobs[1].result.error.code).toBe("pf-has-vfs");
    expect(plan.jobs[2].error).toMatch(/^plan stopped: job .* \(device\.bind .*\) failed — Unbinding/);
    expect(plan.plan.stopReason).toBe(plan.jobs[2].error);
    // The state left: the two VFs of the first job stay (the plan does not undo what succeeded).
    await waitFor(
      "the 2 VFs in the stored inventory",
      async () => ((await inventory())!.devices.find((d) => d.address === pf)!.sriov!.numVfs === 2 ? true : undefined),
      10_000,
    );
  });
});

describe("the same delivery answered twice", () => {
  it("a duplicate or stale result changes nothing: one terminal state, one audit event", async () => {
    const hand = await enrollHost(stack.admin, "hand-agent", "hand-agent");
    const { agent } = await connectReadyAgent(plane.url.replace(/^http/, "ws") + "/agent", hand.credential, "hand-agent");
    const inv = (await inventory())!;
    agent.snapshot({ ...inv, host: { ...inv.host, hostname: "hand-agent" } });
    await agent.next("inventory.ack");
    const res = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId: hand.hostId,
      job: { kind: "vf.set-count", params: { pf: pfs[0], count: 16 } },
    });
    expect(res.status).toBe(201);
    const dispatch = await agent.next("job.dispatch");
    expect(dispatch.payload).toMatchObject({ jobId: res.body.job.id, attempt: 1, job: { kind: "vf.set-count" } });
    const step = { action: "read sriov_numvfs", status: "done", detail: "16 VFs" };
    const result = { status: "succeeded", changed: false, steps: [step], error: null, observed: { numVfs: 16 } };
    const failed = { ...result, status: "failed", error: { code: "EBUSY", message: "busy", explanation: "late duplicate" } };
    agent.send("job.progress", { jobId: dispatch.payload.jobId, attempt: 1, step });
    agent.send("job.result", { jobId: dispatch.payload.jobId, attempt: 1, result });
    agent.send("job.result", { jobId: dispatch.payload.jobId, attempt: 1, result: failed });
    agent.send("job.result", { jobId: dispatch.payload.jobId, attempt: 7, result: failed });
    agent.send("job.progress", { jobId: dispatch.payload.jobId, attempt: 1, step });
    const done = await jobIn(res.body.job.id, ["succeeded", "failed"]);
    await new Promise((r) => setTimeout(r, 300)); // the duplicates are handled after the first, in order
    const after = await job(done.id);
    expect(after).toMatchObject({ state: "succeeded", attempt: 1, result: { status: "succeeded" } });
    expect(after.steps).toHaveLength(1);
    expect(await stack.db.auditEvent.count({ where: { jobId: done.id, action: { in: ["job.succeeded", "job.failed"] } } })).toBe(1);
    await agent.close();
  });
});

describe("faults", () => {
  it("connection dropped mid-job: unknown, redelivered with attempt 2 on reconnect, the agent answers from the run it already has: one effect, one terminal state", async () => {
    const pf = pfs[3]!;
    await setFaults(root(), { hangOn: [`${pf}/sriov_numvfs`] });
    const res = await previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 4 } } });
    await jobIn(res.body.job.id, ["running"]);
    expect(plane.disconnectAgent(hostId)).toBe(true);
    await jobIn(res.body.job.id, ["unknown", "dispatched", "running"]);
    const ended = await jobIn(res.body.job.id, ["succeeded", "failed"], 20_000);
    await setFaults(root(), {});
    expect(ended.attempt).toBe(2);
    expect(ended.result.error.code).toBe("ETIMEDOUT");
    // The write was attempted once (one run of the executor), reported once.
    expect(ended.result.steps.filter((s: { action: string }) => s.action.includes("sriov_numvfs = 4"))).toHaveLength(1);
    const audits = await stack.db.auditEvent.count({ where: { jobId: ended.id, action: { in: ["job.succeeded", "job.failed"] } } });
    expect(audits).toBe(1);
  });

  it("agent killed mid-job: unknown; on its return the job is redelivered and the level-triggered executor finishes it", async () => {
    const pf = pfs[4]!;
    await setFaults(root(), { hangOn: [`${pf}/sriov_numvfs`] });
    const res = await previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 8 } } });
    await jobIn(res.body.job.id, ["running"]);
    await fleet.killHost(HOST);
    const unknown = await jobIn(res.body.job.id, ["unknown"], 10_000);
    expect(unknown.error).toMatch(/agent disconnected/);
    await setFaults(root(), {});
    await fleet.startHost(HOST);
    const done = await jobIn(res.body.job.id, ["succeeded", "failed"]);
    expect(done).toMatchObject({ state: "succeeded", attempt: 2, result: { observed: { numVfs: 8 } } });
    await waitFor("8 VFs stored", async () =>
      (await inventory())!.devices.find((d) => d.address === pf)!.sriov!.numVfs === 8 ? true : undefined,
    );
  });

  it("agent killed between unbind and drivers_probe: on its return the bind is finished, no device left without a driver", async () => {
    const vf = (await inventory())!.devices.find((d) => d.physfn === pfs[0])!.address;
    await setFaults(root(), { hangOn: ["sys/bus/pci/drivers_probe"] });
    const res = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId,
      job: { kind: "device.bind", params: { device: vf, driver: "vfio-pci" } },
    });
    await waitFor("the unbind step", async () =>
      (await job(res.body.job.id)).steps.some(
        (s: { action: string; status: string }) => s.action.includes("/unbind") && s.status === "done",
      )
        ? true
        : undefined,
    );
    await fleet.killHost(HOST);
    await jobIn(res.body.job.id, ["unknown"], 10_000);
    const between = (await import("@vfleet/agent/scan")).scanHost;
    const cut = (await between(root())).devices.find((d) => d.address === vf)!;
    expect(cut).toMatchObject({ driver: null, driverOverride: "vfio-pci" });
    await setFaults(root(), {});
    await fleet.startHost(HOST);
    const done = await jobIn(res.body.job.id, ["succeeded", "failed"]);
    expect(done).toMatchObject({ state: "succeeded", attempt: 2, result: { observed: { driver: "vfio-pci" } } });
    // The second run saw the half-done bind and did only what was missing.
    const second = done.steps.filter((s: { attempt: number }) => s.attempt === 2).map((s: { action: string }) => s.action);
    expect(second.some((a: string) => a.includes("/unbind"))).toBe(false);
    expect(second.some((a: string) => a.includes("drivers_probe"))).toBe(true);
  });

  it("control plane restarted with a job running: the job ends in exactly one terminal state", async () => {
    const pf = pfs[5]!;
    await setFaults(root(), { hangOn: [`${pf}/sriov_numvfs`] });
    const res = await previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 4 } } });
    await jobIn(res.body.job.id, ["running"]);
    const port = Number(new URL(plane.url).port);
    await plane.close();
    // A clean shutdown already marks the job unknown (its socket closed). A crash does not:
    // put the row back as a crashed process leaves it, so the restart has to recover it.
    expect((await stack.db.job.findUniqueOrThrow({ where: { id: res.body.job.id } })).state).toBe("unknown");
    await stack.db.job.update({ where: { id: res.body.job.id }, data: { state: "running" } });
    plane = await createControlPlane({
      db: stack.db,
      port,
      authSecret: "restarted-control-plane-test-secret-0123456789",
      heartbeatIntervalMs: 1000,
      offlineAfterMs: 8000,
      log: () => {},
    });
    // Recovered: `unknown`, or already redelivered (a new attempt) if the agent reconnected first.
    const recovered = await stack.db.job.findUniqueOrThrow({ where: { id: res.body.job.id } });
    expect(recovered.state === "unknown" || recovered.attempt >= 2, `${recovered.state} attempt ${recovered.attempt}`).toBe(true);
    await setFaults(root(), {});
    const ended = await jobIn(res.body.job.id, ["succeeded", "failed"], 30_000);
    // The agent still had attempt 1 hanging: the redelivery joined it and got its end (the write's timeout).
    expect(ended.attempt).toBeGreaterThanOrEqual(2);
    expect(["succeeded", "failed"]).toContain(ended.state);
    expect(await stack.db.auditEvent.count({ where: { jobId: ended.id, action: { in: ["job.succeeded", "job.failed"] } } })).toBe(1);
    // Level-triggered: run it again now that the driver answers, and the host gets there.
    const again = await previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 4 } } });
    expect((await jobIn(again.body.job.id, ["succeeded", "failed"])).state).toBe("succeeded");
  });
});
