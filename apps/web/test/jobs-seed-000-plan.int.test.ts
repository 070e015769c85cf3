import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuestDomainXml, parseDomainXml } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, waitFor, type Api } from "./jobs-helpers.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * Seed 000 as one plan through the API: on the simulated DGX-2 from an empty start,
 * 16 VFs on each of the 10 ports, all 160 bound to vfio-pci, all attached (--config) to one
 * q35 guest on the REAL libvirtd (scripts/start-libvirtd.sh), each job dispatched to a real
 * agent process. The same plan on 1 port (16 VFs) shows how the time grows.
 * The guest is defined first, as the plan requires (it does not size guests for the operator).
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const virsh = createVirsh();
const runId = `${process.pid}-${Date.now().toString(36)}`;
const guests: string[] = [];

let stack: TestStack;
let fleet: Fleet;
let workDir: string;
let api: Api;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
  workDir = await mkdtemp(join(tmpdir(), "vfleet-seed-plan-"));
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 10_000 });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [
      { name: "dgx-16", profile: "dgx2", vfs: 0 },
      { name: "dgx-160", profile: "dgx2", vfs: 0 },
    ],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
});

afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
  for (const g of guests) await virsh.undefineDomain(g, { ifExists: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function hostReady(name: string, guest: string): Promise<{ hostId: string; inventory: Inventory }> {
  return waitFor(`${name} with guest ${guest} in its inventory`, async () => {
    const hosts = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string }[];
    const h = hosts.find((x) => x.name === name);
    if (!h) return undefined;
    const inv = (await api.get(`/api/v1/hosts/${h.id}`)).body.inventory as Inventory | null;
    return inv?.guests.some((g) => g.name === guest) ? { hostId: h.id, inventory: inv } : undefined;
  });
}

/** Define the q35 guest in libvirt and let the simulated host see it (what its libvirt view does after a change). */
async function defineGuest(hostName: string, guest: string): Promise<void> {
  guests.push(guest);
  await virsh.defineDomain(buildGuestDomainXml({ name: guest, vcpus: 16, memoryMiB: 8192, machine: "q35" }));
  await createSimulatedHostIO(fleet.hosts.find((h) => h.name === hostName)!.root).syncGuest(guest);
}

type PlanJob = {
  state: string;
  kind: string;
  dispatchedAt: string | null;
  finishedAt: string | null;
  result: { timing?: { wallMs: number; hostMs: number; overheadMs: number } } | null;
};

/**
 * Where a plan's time went: the host's own work and the agent's overhead (its timing), the rest
 * of each delivery (dispatch -> result recorded, beyond the agent's wall time: the socket, the
 * step records, the result's transaction), and the gaps between one job's result and the next
 * one's dispatch (claiming, and the agent's snapshot between jobs).
 */
function planBreakdown(jobs: PlanJob[]) {
  const sum = (f: (j: PlanJob) => number) => Math.round(jobs.reduce((a, j) => a + f(j), 0));
  const at = (t: string | null) => (t ? Date.parse(t) : 0);
  return {
    hostMs: sum((j) => j.result?.timing?.hostMs ?? 0),
    agentOverheadMs: sum((j) => j.result?.timing?.overheadMs ?? 0),
    deliveryMs: sum((j) => at(j.finishedAt) - at(j.dispatchedAt) - (j.result?.timing?.wallMs ?? 0)),
    betweenJobsMs: sum((j) => {
      const i = jobs.indexOf(j);
      return i === 0 ? 0 : at(j.dispatchedAt) - at(jobs[i - 1]!.finishedAt);
    }),
  };
}

async function runPlan(hostId: string, guest: string, pfLimit: number): Promise<{ ms: number; planId: string; jobs: PlanJob[] }> {
  const template = { name: "seed-000", guest, count: 16, pfLimit };
  // Previewed first, as an operator confirms it: the timing starts at the confirm.
  const { basis } = (await api.post("/api/v1/plans", { hostId, template, dryRun: true })).body;
  const t0 = performance.now();
  const res = await api.post("/api/v1/plans", { hostId, template, basis });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const planId = res.body.plan.id as string;
  const done = await waitFor(
    `plan ${planId} to finish`,
    async () => {
      const p = (await api.get(`/api/v1/plans/${planId}`)).body;
      return p.plan.finishedAt ? p : undefined;
    },
    300_000,
    250,
  );
  return { ms: Math.round(performance.now() - t0), planId, jobs: done.jobs };
}

describe("seed 000 as one plan", () => {
  it("dry run: 10 set-counts, a bind of each port's 16 VFs, 1 attach with the libvirt XML; nothing queued", async () => {
    const guest = `vfleet-plan-dry-${runId}`;
    await defineGuest("dgx-160", guest);
    const { hostId } = await hostReady("dgx-160", guest);
    const dry = await api.post("/api/v1/plans", { hostId, dryRun: true, template: { name: "seed-000", guest } });
    expect(dry.status).toBe(200);
    const kinds = dry.body.jobs.map((j: { job: { kind: string } }) => j.job.kind);
    expect(kinds.filter((k: string) => k === "vf.set-count")).toHaveLength(10);
    const binds = dry.body.jobs.filter((j: { job: { kind: string } }) => j.job.kind === "device.bind");
    expect(binds).toHaveLength(10);
    expect(binds.flatMap((j: { job: { params: { devices: string[] } } }) => j.job.params.devices)).toHaveLength(160);
    expect(binds[0].preview.changes.filter((c: { path: string }) => c.path === "/sys/bus/pci/drivers_probe")).toHaveLength(16);
    expect(kinds.at(-1)).toBe("guest.attach");
    const attach = dry.body.jobs.at(-1).preview;
    expect(attach.changes).toHaveLength(160);
    expect(attach.changes[0]).toMatchObject({ type: "libvirt", argv: ["virsh", "attach-device", guest, "<file>", "--config"] });
    expect(attach.changes[0].xml).toMatch(
      /^<hostdev mode='subsystem' type='pci' managed='yes'><driver name='vfio'\/><source><address domain='0x0000' bus='0x[0-9a-f]{2}' slot='0x[0-9a-f]{2}' function='0x[0-7]'\/><\/source><\/hostdev>$/,
    );
    expect(await stack.db.job.count()).toBe(0);
    const noGuest = await api.post("/api/v1/plans", { hostId, dryRun: true, template: { name: "seed-000", guest: "no-such-guest" } });
    expect(noGuest.status).toBe(400);
    expect(noGuest.body.error).toMatch(/params\.guest: no libvirt guest named no-such-guest/);
  });

  it(
    "runs end to end: 160 VFs on vfio-pci in one q35 guest on the real libvirtd; 16 VFs vs 160 VFs timed",
    { timeout: 600_000 },
    async () => {
      const small = `vfleet-plan-16-${runId}`;
      const big = `vfleet-plan-160-${runId}`;
      await defineGuest("dgx-16", small);
      await defineGuest("dgx-160", big);
      const a = await hostReady("dgx-16", small);
      const b = await hostReady("dgx-160", big);

      const r16 = await runPlan(a.hostId, small, 1);
      expect(
        r16.jobs.map((j) => j.state).every((s) => s === "succeeded"),
        JSON.stringify(r16.jobs.filter((j) => j.state !== "succeeded")).slice(0, 2000),
      ).toBe(true);
      expect(r16.jobs).toHaveLength(1 + 1 + 1);
      const r160 = await runPlan(b.hostId, big, 10);
      expect(
        r160.jobs.map((j) => j.state).every((s) => s === "succeeded"),
        JSON.stringify(r160.jobs.filter((j) => j.state !== "succeeded")).slice(0, 2000),
      ).toBe(true);
      expect(r160.jobs).toHaveLength(10 + 10 + 1);
      // The agent reports where each job's time went (1.6).
      for (const j of [...r16.jobs, ...r160.jobs])
        expect(j.result?.timing, j.kind).toMatchObject({
          wallMs: expect.any(Number),
          hostMs: expect.any(Number),
          overheadMs: expect.any(Number),
        });

      const xml = parseDomainXml(await virsh.dumpXml(big, { inactive: true }));
      expect(xml.hostdevs).toHaveLength(160);
      expect(new Set(xml.hostdevs.map((h) => h.address)).size).toBe(160);
      expect(xml.pcieRootPorts).toBeGreaterThanOrEqual(160);

      const inv = await waitFor("the stored inventory to show 160 VFs on vfio-pci in the guest", async () => {
        const i = (await api.get(`/api/v1/hosts/${b.hostId}`)).body.inventory as Inventory;
        const vfs = i.devices.filter((d) => d.physfn);
        return vfs.length === 160 &&
          vfs.every((d) => d.driver === "vfio-pci") &&
          i.guests.find((g) => g.name === big)?.hostdevs.length === 160
          ? i
          : undefined;
      });
      expect(inv.devices.filter((d) => d.sriov).every((d) => d.sriov!.numVfs === 16)).toBe(true);

      const figures = {
        vfs16Ms: r16.ms,
        vfs160Ms: r160.ms,
        jobs16: r16.jobs.length,
        jobs160: r160.jobs.length,
        breakdown16: planBreakdown(r16.jobs),
        breakdown160: planBreakdown(r160.jobs),
      };
      await mkdir(fileURLToPath(new URL("../test-results/", import.meta.url)), { recursive: true });
      await writeFile(
        fileURLToPath(new URL("../test-results/seed-000-plan.json", import.meta.url)),
        `${JSON.stringify(figures, null, 2)}\n`,
      );
      console.log(
        `seed 000 plan end to end: 16 VFs ${r16.ms} ms (${r16.jobs.length} jobs, ${JSON.stringify(figures.breakdown16)}), 160 VFs ${r160.ms} ms (${r160.jobs.length} jobs, ${JSON.stringify(figures.breakdown160)})`,
      );
    },
  );
});
