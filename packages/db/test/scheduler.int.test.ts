import { classifyPf, placementHostFromInventory, type PlacementPf } from "@vfleet/core";
import { describe, expect, it } from "vitest";
import {
  adoptAssignments,
  createJobs,
  findCandidateHosts,
  loadInventory,
  loadPlacementHosts,
  readCandidateVersion,
  recordJobResult,
  setHostLabels,
  setDeviceQuarantine,
  setHostMaintenance,
  storeSnapshot,
  type CandidateQuery,
  type NewJob,
} from "../src/index.ts";
import { buildDgx2Inventory } from "./dgx2-inventory.ts";
import { useMigratedDatabase } from "./pg-server.ts";

const ctx = useMigratedDatabase();
let n = 0;
async function storedDgx2(): Promise<string> {
  const name = `dgx2-sched-${++n}`;
  const h = await ctx.db.host.create({ data: { name, hostname: name, online: true } });
  await storeSnapshot(ctx.db, h.id, { hash: `h${n}`, scannedAt: new Date(), inventory: buildDgx2Inventory({ hostname: name }) });
  return h.id;
}
const attach = (address = ""): NewJob => ({
  ref: "attach",
  job: { kind: "guest.attach", params: { guest: "g", devices: [{ address, kind: "hostdev" }], live: false, config: true } },
  summary: "attach",
  dependsOn: [],
  resourceKeys: [`guest:g`, `dev:${address}`],
  before: null,
});
const reservation = (address = "", mac: string | null = null) => ({
  address,
  guest: "g",
  pool: "cx5",
  pf: null,
  transient: false,
  mac,
  vlan: null,
  previousDriver: "vfio-pci",
  previousMac: null,
  previousVlan: null,
});

describe("scheduler storage", () => {
  it("the bulk loader gives the same scheduler view as the stored inventory read through core", async () => {
    const hostId = await storedDgx2();
    const [fromRows] = await loadPlacementHosts(ctx.db, {}, { hostIds: [hostId] });
    const inventory = (await loadInventory(ctx.db, hostId))!;
    const fromInventory = placementHostFromInventory(inventory, { id: hostId, name: fromRows!.name, online: true });
    expect(fromRows!.pfs).toEqual(fromInventory.pfs);
    expect(fromRows!.guests).toEqual(fromInventory.guests);
    expect(fromRows!.numaNodes).toEqual(fromInventory.numaNodes);
  });

  it("a VF carrying a mediated device (a vGPU) is held by the instance's guest, never free, in the loader as in core", async () => {
    const name = `dgx2-sched-${++n}`;
    const h = await ctx.db.host.create({ data: { name, hostname: name, online: true } });
    const inventory = buildDgx2Inventory({ hostname: name });
    const pf = inventory.devices.find((d) => d.sriov && d.vendorId === "15b3")!;
    const [vfA, vfB] = pf.sriov!.vfs.slice(-2);
    inventory.host.mdevs = [
      {
        uuid: "6f1c9a52-0b7e-4d3a-9c51-2e8f7a6b5c40",
        parent: vfA!,
        type: "nvidia-1",
        typeName: "test-1Q",
        iommuGroup: 900,
        guest: "vgpu-guest",
      },
      { uuid: "7a2d0b63-1c8f-4e4b-8d62-3f908b7c6d51", parent: vfB!, type: "nvidia-1", typeName: "test-1Q", iommuGroup: 901, guest: null },
    ];
    await storeSnapshot(ctx.db, h.id, { hash: `h${n}`, scannedAt: new Date(), inventory });
    const [fromRows] = await loadPlacementHosts(ctx.db, {}, { hostIds: [h.id] });
    const vfs = fromRows!.pfs.find((p) => p.address === pf.address)!.vfs;
    expect(vfs.find((v) => v.address === vfA)!.claim).toEqual({ state: "assigned", guest: "vgpu-guest" });
    expect(vfs.find((v) => v.address === vfB)!.claim).toEqual({ state: "assigned", guest: "mdev 7a2d0b63-1c8f-4e4b-8d62-3f908b7c6d51" });
    const free = classifyPf(fromRows!.pfs.find((p) => p.address === pf.address)!);
    expect([...free.ready, ...free.bindable].map((v) => v.address)).not.toContain(vfA);
    const fromInventory = placementHostFromInventory((await loadInventory(ctx.db, h.id))!, { id: h.id, name, online: true });
    expect(fromRows!.pfs).toEqual(fromInventory.pfs);
  });

  it("a reservation is written with its plan, refused a second time, settled into an assignment, and the summary follows", async () => {
    const hostId = await storedDgx2();
    const [host] = await loadPlacementHosts(ctx.db, {}, { hostIds: [hostId] });
    const free = (p: PlacementPf) => [...classifyPf(p).ready, ...classifyPf(p).bindable];
    const pf = host!.pfs.find((p) => free(p).length > 1)!;
    const [vf, vf2] = free(pf).map((v) => v.address) as [string, string];
    const readyOf = async () => {
      const row = (await ctx.db.pfCapacity.findUnique({ where: { hostId_address: { hostId, address: pf.address } } }))!;
      return row.ready + row.bindable;
    };
    const before = await readyOf();
    expect(before).toBe(free(pf).length);

    const first = await createJobs(ctx.db, {
      hostId,
      createdBy: "a",
      plan: { title: "p1" },
      jobs: [attach(vf)],
      reservations: [reservation(vf, "02:00:00:aa:00:01")],
    });
    expect(first.ok).toBe(true);
    expect(await readyOf()).toBe(before - 1);
    // Another plan naming the same VF (its job keys differ, so only the reservation can stop it), or the same MAC: refused, nothing written.
    const other = { ...attach(vf), resourceKeys: ["guest:h"] };
    const twice = await createJobs(ctx.db, {
      hostId,
      createdBy: "b",
      plan: { title: "p2" },
      jobs: [other],
      reservations: [reservation(vf)],
    });
    expect(twice).toMatchObject({ ok: false, conflict: { key: `reserved:${vf}`, reservation: true } });
    const sameMac = await createJobs(ctx.db, {
      hostId,
      createdBy: "b",
      plan: { title: "p3" },
      jobs: [{ ...other, resourceKeys: ["guest:i"] }],
      reservations: [reservation(vf2!, "02:00:00:aa:00:01")],
    });
    expect(sameMac).toMatchObject({ ok: false, conflict: { key: "mac:02:00:00:aa:00:01" } });
    expect(await ctx.db.plan.count({ where: { title: { in: ["p2", "p3"] } } })).toBe(0);

    // The plan's only job succeeds: the reservation becomes an assignment.
    const job = first.ok ? first.jobs[0]! : null;
    await ctx.db.job.update({ where: { id: job!.id }, data: { state: "dispatched", attempt: 1 } });
    await recordJobResult(ctx.db, {
      hostId,
      jobId: job!.id,
      attempt: 1,
      result: { status: "succeeded", changed: true, steps: [], error: null, observed: {} },
    });
    expect(await ctx.db.assignment.findUnique({ where: { hostId_address: { hostId, address: vf } } })).toMatchObject({
      state: "assigned",
      planId: first.ok ? first.planId : "",
    });
    expect(
      (await ctx.db.assignmentEvent.findMany({ where: { address: vf, hostId }, orderBy: { at: "asc" } })).map((e) => e.action),
    ).toEqual(["reserved", "assigned"]);
  });

  it("adopting a guest whose VFs share a MAC records every VF, the MAC claimed once", async () => {
    const name = `dgx2-sched-${++n}`;
    const h = await ctx.db.host.create({ data: { name, hostname: name, online: true } });
    const inventory = buildDgx2Inventory({ hostname: name });
    // Two of the guest's VFs on the first ConnectX-5 port were given one MAC by hand.
    const pf = inventory.devices.find((d) => d.sriov && d.vendorId === "15b3")!;
    pf.sriov!.vfConfigs[1]!.mac = pf.sriov!.vfConfigs[0]!.mac;
    await storeSnapshot(ctx.db, h.id, { hash: `h${n}`, scannedAt: new Date(), inventory });
    const guest = inventory.guests[0]!;
    // What vfleet did not place is drift until adopted: take the guest's reservations away first.
    await ctx.db.assignment.deleteMany({ where: { hostId: h.id } });

    const result = await adoptAssignments(ctx.db, { hostId: h.id, guest: guest.name, actor: "test" });
    expect(result.ok).toBe(true);
    const rows = await ctx.db.assignment.findMany({ where: { hostId: h.id, guest: guest.name } });
    expect(rows).toHaveLength(guest.hostdevs.length);
    const shared = pf.sriov!.vfConfigs[0]!.mac;
    expect(rows.filter((r) => r.mac === shared)).toHaveLength(1);
  });

  it("a host going into maintenance or coming back moves the candidate version, so no shared prefilter answer outlives it", async () => {
    const hostId = await storedDgx2();
    const before = await readCandidateVersion(ctx.db);
    await setHostMaintenance(ctx.db, { hostIds: [hostId], enabled: true, reason: null, actor: "test" });
    const during = await readCandidateVersion(ctx.db);
    expect(during).not.toBe(before);
    await setHostMaintenance(ctx.db, { hostIds: [hostId], enabled: false, reason: null, actor: "test" });
    expect(await readCandidateVersion(ctx.db)).not.toBe(during);
  });

  it("two requests to quarantine one device at once both answer: one changes it, the other finds it done", async () => {
    const hostId = await storedDgx2();
    const address = (await loadInventory(ctx.db, hostId))!.devices.find((d) => d.sriov)!.address;
    const ask = () => setDeviceQuarantine(ctx.db, { hostId, address, quarantined: true, reason: "flapping", actor: "test" });
    const outcomes = await Promise.all([ask(), ask(), ask()]);
    expect(outcomes.map((o) => o.ok && o.changed).sort()).toEqual([false, false, true]);
    expect(await ctx.db.deviceQuarantine.count({ where: { hostId } })).toBe(1);
  });

  it("a reservation decided before the host went into maintenance, or before its VF was quarantined, is refused at commit", async () => {
    const hostId = await storedDgx2();
    const [host] = await loadPlacementHosts(ctx.db, {}, { hostIds: [hostId] });
    const vf = host!.pfs.flatMap((p) => [...classifyPf(p).ready, ...classifyPf(p).bindable])[0]!.address;
    const reserve = (title: string) =>
      createJobs(ctx.db, { hostId, createdBy: "a", plan: { title }, jobs: [attach(vf)], reservations: [reservation(vf)] });

    await setHostMaintenance(ctx.db, { hostIds: [hostId], enabled: true, reason: null, actor: "test" });
    const inMaintenance = await reserve("m");
    expect(inMaintenance).toMatchObject({
      ok: false,
      conflict: { key: `host:${hostId}`, summary: "the host was put in maintenance meanwhile" },
    });
    await setHostMaintenance(ctx.db, { hostIds: [hostId], enabled: false, reason: null, actor: "test" });

    await setDeviceQuarantine(ctx.db, { hostId, address: vf, quarantined: true, reason: null, actor: "test" });
    const quarantined = await reserve("q");
    expect(quarantined).toMatchObject({ ok: false, conflict: { key: `dev:${vf}`, summary: `${vf} was quarantined meanwhile` } });
    expect(await ctx.db.assignment.count({ where: { hostId } })).toBe(0);
    expect(await ctx.db.plan.count({ where: { hostId } })).toBe(0);

    await setDeviceQuarantine(ctx.db, { hostId, address: vf, quarantined: false, reason: null, actor: "test" });
    expect((await reserve("ok")).ok).toBe(true);
  });

  it("the prefilter finds hosts with enough NUMA-local capacity over enough PFs, and none when asked too much", async () => {
    const hostId = await storedDgx2();
    const selector = { vendorId: "15b3", deviceId: "1017" };
    expect(await findCandidateHosts(ctx.db, { selector, count: 16, numa: "required", minPfs: 4 })).toContain(hostId);
    expect(await findCandidateHosts(ctx.db, { selector, count: 200, numa: "none" })).not.toContain(hostId);
    // PF names are judged on the summary too; only device pools (not summarised) make every host a candidate.
    expect(await findCandidateHosts(ctx.db, { selector: { ...selector, pfNames: ["enp53s0f0"] }, count: 1, numa: "none" })).toContain(
      hostId,
    );
    expect(await findCandidateHosts(ctx.db, { selector: { ...selector, pfNames: ["x"] }, count: 1, numa: "none" })).toEqual([]);
    expect(await findCandidateHosts(ctx.db, { selector: { kind: "device", vendorId: "10de" }, count: 1, numa: "none" })).toBeNull();
  });

  it("the per-node sums follow reservations and give the prefilter the same candidates as the per-PF rows", async () => {
    const plain = await storedDgx2();
    const busy = await storedDgx2();
    await setHostLabels(ctx.db, { hostId: busy, labels: { fabric: "roce" }, actor: "test" });
    // Every free VF of three PFs on one node of `busy` reserved: that node gives less, over fewer PFs.
    const [host] = await loadPlacementHosts(ctx.db, { vendorId: "15b3" }, { hostIds: [busy] });
    const node = host!.pfs[0]!.numaNode;
    const taken = host!.pfs
      .filter((p) => p.numaNode === node)
      .slice(0, 3)
      .flatMap((p) => [...classifyPf(p).ready, ...classifyPf(p).bindable])
      .map((v) => v.address);
    expect(taken.length).toBeGreaterThan(3);
    const held = await createJobs(ctx.db, {
      hostId: busy,
      createdBy: "a",
      plan: { title: "hold" },
      jobs: [{ ...attach(taken[0]), resourceKeys: ["guest:hold"] }],
      reservations: taken.map((a) => reservation(a)),
    });
    expect(held.ok).toBe(true);

    const sums = (table: "PfCapacity" | "NodeCapacity") =>
      ctx.db.$queryRawUnsafe<unknown[]>(
        table === "NodeCapacity"
          ? `SELECT "hostId", "vendorId", "deviceId", driver, "numaNode", "portDown", available, ready, bindable, pfs FROM "NodeCapacity" WHERE "hostId" = ANY($1) ORDER BY key`
          : `SELECT "hostId", "vendorId", "deviceId", driver, "numaNode", "portState" IS NOT DISTINCT FROM 'down' AS "portDown", sum(ready + bindable + creatable)::int AS available, sum(ready)::int AS ready, sum(bindable)::int AS bindable,
           (count(*) FILTER (WHERE ready + bindable + creatable > 0))::int AS pfs
         FROM "PfCapacity" WHERE "hostId" = ANY($1) GROUP BY 1, 2, 3, 4, 5, 6
         ORDER BY "hostId" || '/' || "vendorId" || ':' || "deviceId" || '/' || COALESCE(driver, '') || '/' || COALESCE("numaNode"::text, '') || '/' || ("portState" IS NOT DISTINCT FROM 'down')::text`,
        [plain, busy],
      );
    expect(await sums("NodeCapacity")).toEqual(await sums("PfCapacity"));

    const cx5 = { vendorId: "15b3", deviceId: "1017" };
    const queries: CandidateQuery[] = [
      { selector: cx5, count: 16, numa: "required", minPfs: 4 },
      { selector: cx5, count: 40, numa: "required", minPfs: 5 },
      { selector: cx5, count: 60, numa: "preferred", minPfs: 2 },
      { selector: cx5, count: 150, numa: "none", minPfs: 10 },
      { selector: { ...cx5, driver: "mlx5_core", numaNode: node ?? undefined }, count: 8, numa: "required", minPfs: 4 },
      { selector: { vendorId: "15b3", hostLabels: { fabric: "roce" } }, count: 1, numa: "none" },
      { selector: cx5, count: 1, numa: "preferred", hostLabels: { fabric: "roce" } },
    ];
    const answers = [];
    for (const q of queries) {
      const perNode = await findCandidateHosts(ctx.db, { ...q, limit: 1000 });
      // A per-PF cap no request reaches sends the same question to PfCapacity.
      expect([q, perNode]).toEqual([q, await findCandidateHosts(ctx.db, { ...q, limit: 1000, maxPerPf: 1 << 20 })]);
      answers.push([perNode!.includes(plain), perNode!.includes(busy)]);
    }
    // The reservations and the label make the answers differ between the two hosts, so the comparison above is not vacuous.
    expect(answers).toContainEqual([true, false]);
    expect(answers).toContainEqual([false, true]);
  });
});
