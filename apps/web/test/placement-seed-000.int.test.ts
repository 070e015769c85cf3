import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDomainXml } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { type Api, apiClient, previewAndConfirm, waitFor } from "./jobs-helpers.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * Seed 000 through the scheduler: "a new guest with 160 VFs from the ConnectX-5 pool" on the
 * simulated DGX-2 with every VF count at 0, a real agent process, and the REAL libvirtd. The
 * plan creates 16 VFs per port at the addresses the kernel gives, sizes the guest above the
 * seed's failures (4 vCPUs, 512 MiB), defines it, binds and attaches all 160; the audit of the
 * result has no failure. Releasing it all (with the VF counts) leaves the host as before.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const virsh = createVirsh();
const guest = `vfleet-sched-${process.pid}-${Date.now().toString(36)}`;

let stack: TestStack;
let fleet: Fleet;
let workDir: string;
let api: Api;
let hostId: string;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
  workDir = await mkdtemp(join(tmpdir(), "vfleet-sched-"));
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 10_000 });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [{ name: "dgx2-01", profile: "dgx2", vfs: 0 }],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
  hostId = await waitFor("dgx2-01 to report", async () => {
    const hosts = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt?: string | null }[];
    const h = hosts.find((x) => x.name === "dgx2-01");
    return h && (await api.get(`/api/v1/hosts/${h.id}`)).body.inventory ? h.id : undefined;
  });
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
  await virsh.undefineDomain(guest, { ifExists: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function waitForPlan(planId: string) {
  return waitFor(
    `plan ${planId} to finish`,
    async () => {
      const p = (await api.get(`/api/v1/plans/${planId}`)).body;
      return p.plan.finishedAt ? p : undefined;
    },
    600_000,
    250,
  );
}

const inventory = async () => (await api.get(`/api/v1/hosts/${hostId}`)).body.inventory as Inventory;

describe("seed 000 through the scheduler", () => {
  it("pools, capacity and what-if before anything exists; bad input is a 400 naming the field and reserves nothing", async () => {
    const created = await api.post("/api/v1/pools", {
      name: "cx5",
      selector: { vendorId: "15b3", deviceId: "1017" },
      macRange: { from: "02:00:00:5c:00:00", to: "02:00:00:5c:ff:ff" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.pool).toMatchObject({ name: "cx5", kind: "vf" });
    expect((await api.post("/api/v1/pools", { name: "cx5", selector: { vendorId: "15b3" } })).status).toBe(409);
    expect((await api.post("/api/v1/pools", { name: "all", selector: {} })).body).toMatchObject({ field: "selector" });

    const cap = (await api.get("/api/v1/pools/cx5/capacity")).body;
    expect(cap).toMatchObject({ ready: 0, bindable: 0, creatable: 160, assigned: 0 });
    // The simulated DGX-2 has four ConnectX-5 ports on node 0 and six (the dual-port card too) on node 1.
    expect(
      cap.byHost.map((r: { host: string; numaNode: number; creatable: number; pfs: number }) => [r.host, r.numaNode, r.creatable, r.pfs]),
    ).toEqual([
      ["dgx2-01", 0, 64, 4],
      ["dgx2-01", 1, 96, 6],
    ]);

    // Seed 000: only the dual-port card (2 of 10 ports) has carrier. On linked ports 32 fit; on any, 160.
    const what = (await api.post("/api/v1/placements/what-if", { pool: "cx5", count: 160, link: "any" })).body;
    expect(what.hosts).toEqual([{ host: "dgx2-01", now: 0, afterCreate: 160, numaNode: null, fits: true, why: [] }]);
    const linked = (await api.post("/api/v1/placements/what-if", { pool: "cx5", count: 160 })).body;
    expect(linked.hosts).toEqual([
      {
        host: "dgx2-01",
        now: 0,
        afterCreate: 32,
        numaNode: null,
        fits: false,
        why: [
          'link: 8 of 10 PFs have no carrier; their 128 free VFs are not counted (link: "any" counts them)',
          "count: 32 of 160 VFs free (0 ready, 0 bindable, 32 creatable)",
        ],
      },
    ]);

    const bad: [unknown, string][] = [
      [{ pool: "cx5", count: 0, guest: { name: guest } }, "count"],
      [{ pool: "cx5", count: 300, guest: { name: guest } }, "count"],
      [{ pool: "nope", count: 1, guest: { name: guest } }, "pool"],
      [{ pool: "cx5", count: 1, numa: "maybe", guest: { name: guest } }, "numa"],
      [{ pool: "cx5", count: 1, guest: { name: guest, vcpus: 0 } }, "guest.vcpus"],
      [{ pool: "cx5", count: 2, macs: ["02:00:00:00:00:01", "01:00:5e:00:00:01"], guest: { name: guest } }, "macs.1"],
      [{ pool: "cx5", count: 4, minPfs: 5, guest: { name: guest } }, "minPfs"],
      [{ pool: "cx5", count: 1, guest: { name: guest, host: "elsewhere" } }, "guest.host"],
    ];
    for (const [body, field] of bad) {
      const res = await api.post("/api/v1/placements", body);
      expect([res.status, res.body.field], JSON.stringify(res.body)).toEqual([400, field]);
      expect(res.body.error).toMatch(new RegExp(`^${field.replace(".", "\\.")}: `));
    }
    expect(
      (await apiClient(stack.plane.url, stack.tokens.viewer).post("/api/v1/placements", { pool: "cx5", count: 1, guest: { name: guest } }))
        .status,
    ).toBe(403);
    expect(await stack.db.assignment.count()).toBe(0);
    expect(await stack.db.job.count()).toBe(0);
  });

  it("NUMA-local 160 does not fit: 409 in numbers with the best candidates", async () => {
    const res = await api.post("/api/v1/placements", {
      pool: "cx5",
      count: 160,
      numa: "required",
      link: "any",
      guest: { name: guest, vcpus: 4, memoryMiB: 512 },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe(
      "no host has 160 ready, bindable or creatable VFs on one NUMA node local to the guest; dgx2-01 has 96 on node 1 (6 PFs) and 64 on node 0 (4 PFs)",
    );
    expect(res.body.candidates).toHaveLength(2);
    expect(await stack.db.assignment.count()).toBe(0);
  });

  it(
    "places 160 VFs on a new guest, sizes it, runs the plan on the real libvirtd, and the audit has no failure; release restores the host",
    { timeout: 900_000 },
    async () => {
      const ask = {
        pool: "cx5",
        count: 160,
        numa: "none",
        link: "any",
        minPfs: 10,
        maxPerPf: 16,
        guest: { name: guest, host: "dgx2-01", vcpus: 4, memoryMiB: 512 },
      };
      const dry = await api.post("/api/v1/placements", { ...ask, dryRun: true });
      expect(dry.status, JSON.stringify(dry.body).slice(0, 500)).toBe(200);
      const p = dry.body.placement;
      expect(p.host).toBe("dgx2-01");
      expect(p.vfs).toHaveLength(160);
      expect(p.vfs.every((v: { exists: boolean }) => !v.exists)).toBe(true);
      expect(p.pfs.map((x: { setCount: { from: number; to: number } }) => [x.setCount.from, x.setCount.to])).toEqual(
        Array(10).fill([0, 16]),
      );
      // The kernel's addresses: the simulated port at 35:00.0 has VF offset 1, stride 1.
      expect(
        p.vfs
          .filter((v: { pf: string }) => v.pf === "0000:35:00.0")
          .slice(0, 3)
          .map((v: { address: string }) => v.address),
      ).toEqual(["0000:35:00.1", "0000:35:00.2", "0000:35:00.3"]);
      expect(p.guest.vcpus).toBeGreaterThan(4);
      expect(p.guest.memoryMiB).toBeGreaterThan(512);
      expect(p.guest.sizing.reasons.join(" ")).toMatch(/vCPUs raised 4 -> \d+: 160 functions ask for/);
      const kinds = p.jobs.map((j: { kind: string }) => j.kind);
      // One bind job per port, naming its 16 VFs (protocol 1.6).
      const binds = p.jobs.filter((j: { kind: string }) => j.kind === "device.bind");
      expect([kinds.filter((k: string) => k === "vf.set-count").length, binds.length]).toEqual([10, 10]);
      expect(binds.flatMap((j: { job: { params: { devices: string[] } } }) => j.job.params.devices)).toHaveLength(160);
      expect(kinds.slice(-2)).toEqual(["guest.define", "guest.attach"]);
      expect(await stack.db.assignment.count()).toBe(0);

      // Without link "any" the ports without carrier are left out, and the refusal says what they would give.
      const onLinked = await api.post("/api/v1/placements", { ...ask, link: "up", minPfs: 2, maxPerPf: undefined, dryRun: true });
      expect([onLinked.status, onLinked.body.withoutLink], JSON.stringify(onLinked.body).slice(0, 500)).toEqual([
        409,
        { fits: true, host: "dgx2-01", available: 160 },
      ]);
      // Every PF's port, link and share is in the preview: 16 on each of the 10 ports, 8 of them without link.
      expect(p.pfs.map((x: { vfs: number }) => x.vfs)).toEqual(Array(10).fill(16));
      expect(p.pfs.filter((x: { link: string }) => x.link === "down")).toHaveLength(8);

      const before = await inventory();
      // Confirming the dry run queues exactly what it showed.
      const res = await api.post("/api/v1/placements", { confirm: p.id });
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(201);
      expect(res.body.placement.vfs.map((v: { address: string }) => v.address)).toEqual(p.vfs.map((v: { address: string }) => v.address));
      expect(await stack.db.assignment.count({ where: { state: "reserved", transient: false } })).toBe(160);
      // While the plan holds them, the same VFs cannot be placed again.
      const again = await api.post("/api/v1/placements", { ...ask, guest: { ...ask.guest, name: `${guest}-2` } });
      expect(again.status).toBe(409);

      const done = await waitForPlan(res.body.plan.id);
      expect(
        done.jobs.filter((j: { state: string }) => j.state !== "succeeded"),
        JSON.stringify(done.plan),
      ).toEqual([]);
      const xml = parseDomainXml(await virsh.dumpXml(guest, { inactive: true }));
      expect(xml.hostdevs).toHaveLength(160);
      expect([xml.vcpus, xml.memoryKiB]).toEqual([p.guest.vcpus, p.guest.memoryMiB * 1024]);

      // The kernel (simulated) created every VF exactly where the plan said it would.
      const created = await waitFor("160 VFs in the stored inventory", async () => {
        const vfs = (await inventory()).devices.filter((d) => d.physfn).map((d) => d.address);
        return vfs.length === 160 ? vfs : undefined;
      });
      expect(created.sort()).toEqual(p.vfs.map((v: { address: string }) => v.address).sort());
      const listed = await waitFor("160 assignments without drift", async () => {
        const a = (await api.get(`/api/v1/assignments?hostId=${hostId}&guest=${guest}`)).body;
        return a.assignments.length === 160 &&
          a.assignments.every((x: { state: string; drift: string | null }) => x.state === "assigned" && x.drift === null)
          ? a
          : undefined;
      });
      expect(listed.assignments[0]).toMatchObject({
        guest,
        pool: "cx5",
        createdBy: "token:alice",
        planId: res.body.plan.id,
        previous: { driver: null },
      });
      const audit = (await api.get(`/api/v1/audit/hosts/${hostId}?guest=${guest}`)).body;
      const guestChecks = audit.checks.filter((c: { layer: string }) => c.layer === "guest");
      expect(guestChecks.length).toBeGreaterThan(0);
      expect(guestChecks.filter((c: { status: string }) => c.status === "fail")).toEqual([]);
      expect((await api.get("/api/v1/pools/cx5/capacity")).body).toMatchObject({ assigned: 160, ready: 0, creatable: 0 });

      const release = await previewAndConfirm(api, "/api/v1/assignments/release", { hostId, guest, driver: "host", removeVfs: true });
      expect(release.status, JSON.stringify(release.body).slice(0, 500)).toBe(201);
      const released = await waitForPlan(release.body.plan.id);
      expect(released.jobs.filter((j: { state: string }) => j.state !== "succeeded")).toEqual([]);
      // The guest vfleet defined for the placement is undefined with its last device.
      expect(await virsh.listDomains()).not.toContain(guest);
      const after = await waitFor("the host as before: no VFs, the guest gone", async () => {
        const inv = await inventory();
        return inv.devices.every((d) => !d.physfn) && !inv.guests.some((g) => g.name === guest) ? inv : undefined;
      });
      const shape = (inv: Inventory) => inv.devices.map((d) => [d.address, d.driver, d.sriov?.numVfs ?? null]);
      expect(shape(after)).toEqual(shape(before));
      expect((await api.get(`/api/v1/assignments?hostId=${hostId}`)).body.assignments).toEqual([]);
      const history = (await api.get(`/api/v1/assignments/history?hostId=${hostId}&guest=${guest}&limit=1000`)).body.events as {
        action: string;
      }[];
      expect(["reserved", "assigned", "release-requested", "released"].map((a) => history.filter((e) => e.action === a).length)).toEqual([
        160, 160, 160, 160,
      ]);
    },
  );
});
