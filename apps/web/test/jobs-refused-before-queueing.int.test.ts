import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inventory } from "@vfleet/protocol";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, waitFor, type Api } from "./jobs-helpers.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * What the preview says the agent will refuse is refused before queueing, and a confirm must say
 * what it was previewed against. Real agent processes on simulated hosts (a GPU workstation whose
 * policy file adopts only its GTX; an Intel 82576 host whose guestVM holds VF 1 of 03:00.0), real
 * PostgreSQL, the real REST API. A refusal names its reason and leaves no job row and no audit
 * event; a confirm without `basis` is a 428; `force: true` queues and is recorded as forced.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const GTX = ["0000:01:00.0", "0000:01:00.1"];
/** The workstation's USB 3 controller: an endpoint alone in its IOMMU group, not adopted by the policy. */
const USB = "0000:03:00.0";
const PF1 = "0000:03:00.1";
const [GPU, IGB, REVOKED] = ["refuse-gpu", "refuse-igb", "refuse-revoked"];

let stack: TestStack;
let fleet: Fleet;
let workDir: string;
let policy: string;
let api: Api;
const ids: Record<string, string> = {};

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-refuse-"));
  policy = join(workDir, "policy.json");
  await writeFile(policy, JSON.stringify({ version: 1, adopt: GTX }));
  stack = await startTestStack();
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [
      { name: GPU, profile: "gpu-workstation", agentArgs: ["--policy", policy] },
      { name: IGB, profile: "intel-82576" },
      { name: REVOKED, profile: "intel-82576" },
    ],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  const hosts = await waitFor("three snapshots", async () => {
    const list = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    return list.length === 3 && list.every((h) => h.snapshotAt) ? list : undefined;
  });
  for (const h of hosts) ids[h.name] = h.id;
});
afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Job rows and job/plan audit events of a host: a refusal must add neither. */
const queuedOn = async (name: string) => ({
  jobs: await stack.db.job.count({ where: { hostId: ids[name] } }),
  events: await stack.db.auditEvent.count({ where: { hostId: ids[name], action: { in: ["job.created", "plan.created"] } } }),
});
const inventory = async (name: string) => (await api.get(`/api/v1/hosts/${ids[name]}`)).body.inventory as Inventory;

describe("what the agent will refuse is refused before queueing, naming the reason", () => {
  it("a device the agent's policy did not adopt: the preview says so, the confirm is a 409, and the real agent refuses the same job", async () => {
    const job = { kind: "device.bind", params: { device: USB, driver: "vfio-pci" } };
    const dry = await api.post("/api/v1/jobs", { hostId: ids[GPU], job, dryRun: true });
    expect(dry.status).toBe(200);
    const reason = `${USB} is not adopted: the agent's policy adopts ${GTX.join(", ")}; add ${USB} to "adopt" in its policy file if vfleet may manage it: the agent refuses.`;
    expect(dry.body.preview.refusals).toEqual([reason]);
    const before = await queuedOn(GPU);
    const refused = await api.post("/api/v1/jobs", { hostId: ids[GPU], job, basis: dry.body.basis });
    expect(refused).toEqual({
      status: 409,
      body: { error: `job: ${reason}`, field: "job", cause: "agent-would-refuse", refusals: [reason] },
    });
    // force skips the basis check only, never a refusal.
    expect((await api.post("/api/v1/jobs", { hostId: ids[GPU], job, force: true })).status).toBe(409);
    expect(await queuedOn(GPU)).toEqual(before);
    // The agent on that host, with the same policy, refuses the job for the same reason.
    const root = fleet.hosts.find((h) => h.name === GPU)!.root;
    const ran = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", agentCli, "run-job", "--root", root, "--simulated", "--policy", policy, "--json", JSON.stringify(job)],
      { cwd: fileURLToPath(new URL("../../agent", import.meta.url)) },
    ).then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (err: { code: number; stdout: string }) => err,
    );
    expect([ran.code, JSON.parse(ran.stdout).error.code]).toEqual([1, "not-adopted"]);
  });

  it("a VF another guest holds: attaching it elsewhere is refused; a plan that detaches it first is not", async () => {
    const held = (await inventory(IGB)).guests.find((g) => g.name === "guestVM")!.hostdevs[0]!.address;
    const define = { kind: "guest.define", params: { name: "refuse-other", vcpus: 1, memoryMiB: 1024, machine: "q35" } };
    const attach = {
      kind: "guest.attach",
      params: { guest: "refuse-other", devices: [{ kind: "hostdev", address: held }], live: false, config: true },
    };
    const jobs = [
      { ref: "define", job: define },
      { ref: "attach", job: attach, dependsOn: ["define"] },
    ];
    const dry = await api.post("/api/v1/plans", { hostId: ids[IGB], jobs, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.jobs[1].preview.refusals).toEqual([`1 devices are assigned to another guest (e.g. ${held}): the agent refuses.`]);
    const before = await queuedOn(IGB);
    const refused = await api.post("/api/v1/plans", { hostId: ids[IGB], jobs, basis: dry.body.basis });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      field: "jobs.1.job",
      error: `jobs.1.job: 1 devices are assigned to another guest (e.g. ${held}): the agent refuses.`,
    });
    expect(await queuedOn(IGB)).toEqual(before);
    // Moving it (detached from guestVM's definition first) is what the agent runs in order: no refusal.
    const detach = {
      kind: "guest.detach",
      params: { guest: "guestVM", devices: [{ kind: "hostdev", address: held }], live: false, config: true },
    };
    const move = await api.post("/api/v1/plans", {
      hostId: ids[IGB],
      dryRun: true,
      jobs: [{ ref: "detach", job: detach }, ...jobs.map((j) => ({ ...j, dependsOn: [...(j.dependsOn ?? []), "detach"] }))],
    });
    expect(move.status).toBe(200);
    expect((move.body.jobs as { preview: { refusals: string[] } }[]).flatMap((j) => j.preview.refusals)).toEqual([]);
  });

  it("a host whose agent credential is revoked: every job is refused naming hostId, nothing queued", async () => {
    // The second port: no guest holds its VFs (guestVM holds one of 03:00.0's).
    const pf = (await inventory(REVOKED)).devices.find((d) => d.address === PF1)!;
    const job = { kind: "vf.set-count", params: { pf: PF1, count: pf.sriov!.numVfs === 2 ? 3 : 2 } };
    const admin = apiClient(stack.plane.url, stack.tokens.admin);
    expect((await admin.post(`/api/v1/hosts/${ids[REVOKED]}/revoke`, {})).status).toBe(200);
    const dry = await api.post("/api/v1/jobs", { hostId: ids[REVOKED], job, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.preview.refusals).toEqual([
      expect.stringMatching(
        /^the host's agent credential was revoked at \S+Z: no agent can connect to run this job \(enroll the host again/,
      ),
    ]);
    const before = await queuedOn(REVOKED);
    const refused = await api.post("/api/v1/jobs", { hostId: ids[REVOKED], job, basis: dry.body.basis });
    expect([refused.status, refused.body.field, refused.body.error]).toEqual([409, "hostId", `hostId: ${dry.body.preview.refusals[0]}`]);
    const plan = await api.post("/api/v1/plans", { hostId: ids[REVOKED], jobs: [{ ref: "a", job }], force: true });
    expect([plan.status, plan.body.field]).toEqual([409, "hostId"]);
    expect(await queuedOn(REVOKED)).toEqual(before);
  });
});

describe("a confirm carries the basis of its preview, or says force", () => {
  const job = { kind: "vf.configure", params: { pf: "0000:03:00.1", vf: 2, spoofchk: false } };

  it("without basis or force: 428 naming basis, nothing queued (jobs and plans)", async () => {
    const before = await queuedOn(IGB);
    const job428 = await api.post("/api/v1/jobs", { hostId: ids[IGB], job });
    expect(job428.status).toBe(428);
    expect(job428.body).toEqual({
      error:
        "basis: is required to queue a change: send the basis its preview (dryRun: true) returned, or force: true to queue it whatever changed on the host since",
      field: "basis",
    });
    const plan428 = await api.post("/api/v1/plans", { hostId: ids[IGB], jobs: [{ ref: "a", job }] });
    expect([plan428.status, plan428.body.field]).toEqual([428, "basis"]);
    const both = await api.post("/api/v1/jobs", { hostId: ids[IGB], job, basis: "x.y", force: true });
    expect([both.status, both.body.field]).toEqual([400, "force"]);
    expect(await queuedOn(IGB)).toEqual(before);
  });

  it("with its preview's basis it queues, not forced; force: true queues without one, and the job and its audit event say so", async () => {
    // First, on the idle host: a job finishing in between would make the basis stale (409, tested elsewhere).
    const other = { kind: "vf.configure", params: { pf: "0000:03:00.0", vf: 3, spoofchk: false } };
    const dry = await api.post("/api/v1/jobs", { hostId: ids[IGB], job: other, dryRun: true });
    const based = await api.post("/api/v1/jobs", { hostId: ids[IGB], job: other, basis: dry.body.basis });
    expect([based.status, based.body.job.forced]).toEqual([201, false]);
    const res = await api.post("/api/v1/jobs", { hostId: ids[IGB], job, force: true });
    expect(res.status).toBe(201);
    expect(res.body.job.forced).toBe(true);
    expect(await stack.db.job.findUnique({ where: { id: res.body.job.id }, select: { forced: true } })).toEqual({ forced: true });
    const event = await stack.db.auditEvent.findFirst({ where: { jobId: res.body.job.id, action: "job.created" } });
    expect(event!.summary).toMatch(/ \(forced: queued without the basis of a preview\)$/);
    expect(event!.after).toMatchObject({ forced: true });
  });
});
