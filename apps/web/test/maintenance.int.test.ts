import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeSnapshot } from "@vfleet/db";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";
import { apiClient, type Api } from "./jobs-helpers.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * Maintenance through the API on a real control plane and PostgreSQL: a host in maintenance gets
 * no new placement (named or not, nor a preview made before), its reservations are kept or
 * released as the operator chose (released = its plan's queued jobs cancelled, the rows given
 * back), hosts are taken out by label, bad input changes nothing, every change is audited.
 * The hosts are stored inventories without agents, so queued plans stay queued (a reservation
 * that lasts); the drain, which needs an agent to run its release plans, is in e2e/maintenance.
 */
let stack: TestStack;
let api: Api;
const ids: Record<string, string> = {};

async function put(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.plane.url}${path}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${stack.tokens.operator}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function storeHost(name: string, rack: string): Promise<void> {
  const host = await stack.db.host.create({ data: { name, hostname: name, online: true, lastSeenAt: new Date() } });
  await storeSnapshot(stack.db, host.id, { hash: name, scannedAt: new Date(), inventory: buildDgx2Inventory({ hostname: name }) });
  await stack.db.hostLabel.create({ data: { hostId: host.id, key: "rack", value: rack } });
  ids[name] = host.id;
}

const place = (o: Record<string, unknown> = {}) =>
  api.post("/api/v1/placements", { pool: "cx5", count: 4, numa: "none", guest: { name: "g-maint", vcpus: 2, memoryMiB: 1024 }, ...o });

beforeAll(async () => {
  // No agent ever speaks for these hosts: the sweeper must not take them offline during the test.
  stack = await startTestStack({ heartbeatIntervalMs: 60_000, offlineAfterMs: 600_000 });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  await storeHost("m-a", "r1");
  await storeHost("m-b", "r2");
  const pool = await api.post("/api/v1/pools", { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } });
  expect(pool.status, JSON.stringify(pool.body)).toBe(201);
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

describe("a host in maintenance", () => {
  it("gets no new placement, named or not, and a preview made before cannot be confirmed", { timeout: 120_000 }, async () => {
    const before = await place({ host: "m-a", dryRun: true });
    expect(before.status, JSON.stringify(before.body).slice(0, 300)).toBe(200);

    const on = await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: true, reason: "NIC firmware" });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toMatchObject({ changed: true, maintenance: { by: "token:alice", reason: "NIC firmware" }, reservations: [] });
    const hosts = (await api.get("/api/v1/hosts")).body.hosts as { name: string; maintenance: unknown }[];
    expect(hosts.find((h) => h.name === "m-a")!.maintenance).toMatchObject({ by: "token:alice", reason: "NIC firmware" });
    expect(hosts.find((h) => h.name === "m-b")!.maintenance).toBeNull();

    const named = await place({ host: "m-a", dryRun: true });
    expect(named.status).toBe(409);
    expect(named.body.error).toContain("(in maintenance, not counted: m-a)");
    const anywhere = await place({ dryRun: true });
    expect(anywhere.status).toBe(200);
    expect(anywhere.body.placement.host).toBe("m-b");
    const confirm = await api.post("/api/v1/placements", { confirm: before.body.placement.id });
    expect(confirm.status).toBe(409);
    expect(confirm.body.changes).toEqual(["host m-a went into maintenance"]);

    const whatIf = await api.post("/api/v1/placements/what-if", { pool: "cx5", count: 4, numa: "none" });
    expect(whatIf.body.maintenance).toEqual(["m-a"]);
    expect(whatIf.body.hosts.map((h: { host: string }) => h.host)).toEqual(["m-b"]);
    const capacity = await api.get("/api/v1/pools/cx5/capacity");
    expect(capacity.body.maintenance.map((r: { host: string }) => r.host)).toContain("m-a");
    expect(capacity.body.byHost.map((r: { host: string }) => r.host)).not.toContain("m-a");

    // A second "into maintenance" keeps who started it and why.
    const again = await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: true, reason: "something else" });
    expect(again.body).toMatchObject({ changed: false, maintenance: { reason: "NIC firmware" } });

    const off = await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: false });
    expect(off.body).toMatchObject({ changed: true, maintenance: null });
    expect((await place({ host: "m-a", dryRun: true })).status).toBe(200);
    const events = await stack.db.auditEvent.findMany({
      where: { hostId: ids["m-a"], action: { startsWith: "host.maintenance" } },
      orderBy: { at: "asc" },
    });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ["host.maintenance-started", "token:alice"],
      ["host.maintenance-ended", "token:alice"],
    ]);
  });

  it("keeps its reservations or releases them, as the operator chooses; a preview changes nothing", { timeout: 120_000 }, async () => {
    const placed = await place({ host: "m-a", guest: { name: "g-reserved", vcpus: 2, memoryMiB: 1024 } });
    expect(placed.status, JSON.stringify(placed.body).slice(0, 300)).toBe(201);
    const planId: string = placed.body.plan.id;
    const reserved = () => stack.db.assignment.count({ where: { planId, state: "reserved" } });
    const held = await reserved();
    expect(held).toBeGreaterThanOrEqual(4);

    const keep = await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: true, dryRun: true });
    expect(keep.body.reservations).toMatchObject([{ planId, guest: "g-reserved", action: "kept" }]);
    const release = await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: true, reservations: "release", dryRun: true });
    expect(release.body.reservations).toMatchObject([{ planId, action: "released" }]);
    // Previews only.
    expect((await stack.db.host.findUnique({ where: { id: ids["m-a"] } }))!.maintenanceAt).toBeNull();
    expect(await reserved()).toBe(held);

    const done = await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: true, reservations: "release" });
    expect(done.status).toBe(200);
    expect(done.body.reservations).toMatchObject([{ planId, action: "released" }]);
    expect(await stack.db.assignment.count({ where: { planId } })).toBe(0);
    const jobs = await stack.db.job.findMany({ where: { planId } });
    expect(jobs.every((j) => j.state === "cancelled")).toBe(true);
    const cancelled = await stack.db.auditEvent.findMany({ where: { planId, action: "job.cancelled" } });
    expect(cancelled.map((e) => e.actor)).toEqual(["token:alice (maintenance)"]);
    await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: false });
  });

  it("never cancels the rest of a plan already under way: it is kept running, its reservations with it", { timeout: 120_000 }, async () => {
    const placed = await place({ host: "m-b", guest: { name: "g-under-way", vcpus: 2, memoryMiB: 1024 } });
    expect(placed.status, JSON.stringify(placed.body).slice(0, 300)).toBe(201);
    const planId: string = placed.body.plan.id;
    const steps = await stack.db.job.findMany({ where: { planId }, orderBy: { planStep: "asc" } });
    expect(steps.length).toBeGreaterThan(1);
    // Its first job has run (the agent bound the VFs); the next ones still wait in the queue.
    await stack.db.job.update({ where: { id: steps[0]!.id }, data: { state: "succeeded", finishedAt: new Date() } });

    const done = await put(`/api/v1/hosts/${ids["m-b"]}/maintenance`, { enabled: true, reservations: "release" });
    expect(done.status).toBe(200);
    expect(done.body.reservations).toMatchObject([{ planId, action: "kept-running" }]);
    const after = await stack.db.job.findMany({ where: { planId }, orderBy: { planStep: "asc" } });
    expect(after.slice(1).map((j) => j.state)).toEqual(steps.slice(1).map(() => "queued"));
    expect(await stack.db.assignment.count({ where: { planId, state: "reserved" } })).toBeGreaterThanOrEqual(4);
    await put(`/api/v1/hosts/${ids["m-b"]}/maintenance`, { enabled: false });
  });

  it("refuses bad input naming the field, and changes nothing", { timeout: 60_000 }, async () => {
    const path = `/api/v1/hosts/${ids["m-b"]}/maintenance`;
    const cases: [unknown, string][] = [
      [{}, "enabled"],
      [{ enabled: "yes" }, "enabled"],
      [{ enabled: false, drain: true }, "drain"],
      [{ enabled: true, reason: "x".repeat(201) }, "reason"],
      [{ enabled: true, reservations: "drop" }, "reservations"],
      [{ enabled: true, surprise: 1 }, "body"],
    ];
    for (const [body, field] of cases) {
      const r = await put(path, body);
      expect([r.status, r.body.field], JSON.stringify(body)).toEqual([400, field]);
    }
    expect((await put("/api/v1/hosts/nope/maintenance", { enabled: true })).status).toBe(404);
    expect((await stack.db.host.findUnique({ where: { id: ids["m-b"] } }))!.maintenanceAt).toBeNull();
  });
});

describe("maintenance by label", () => {
  it("takes every host carrying the labels out of service, and back", { timeout: 60_000 }, async () => {
    expect((await put("/api/v1/maintenance", { hostLabels: {}, enabled: true })).body.field).toBe("hostLabels");
    expect((await put("/api/v1/maintenance", { hostLabels: { rack: "r9" }, enabled: true })).status).toBe(400);
    const preview = await put("/api/v1/maintenance", { hostLabels: { rack: "r2" }, enabled: true, dryRun: true });
    expect(preview.body.hosts.map((h: { name: string }) => h.name)).toEqual(["m-b"]);
    expect((await stack.db.host.findUnique({ where: { id: ids["m-b"] } }))!.maintenanceAt).toBeNull();
    const on = await put("/api/v1/maintenance", { hostLabels: { rack: "r2" }, enabled: true, reason: "rack r2 power work" });
    expect(on.body.hosts).toMatchObject([{ name: "m-b", changed: true }]);
    const placed = await place({ dryRun: true });
    expect(placed.body.placement.host).toBe("m-a");
    const metrics = await (
      await fetch(`${stack.plane.url}/metrics`, { headers: { authorization: `Bearer ${stack.tokens.operator}` } })
    ).text();
    expect(metrics).toMatch(/^vfleet_hosts_maintenance 1$/m);
    await put(`/api/v1/hosts/${ids["m-a"]}/maintenance`, { enabled: true });
    const none = await place({ dryRun: true });
    expect(none.status).toBe(409);
    expect(none.body.error).toContain("(in maintenance, not counted: m-a, m-b)");
    const off = await put("/api/v1/maintenance", { hostLabels: { rack: "r2" }, enabled: false });
    expect(off.body.hosts).toMatchObject([{ name: "m-b", changed: true }]);
    expect((await place({ dryRun: true })).body.placement.host).toBe("m-b");
  });
});

describe("device quarantine", () => {
  const PF = "0000:35:00.0";
  const quarantine = (address: string, body: unknown) => put(`/api/v1/hosts/${ids["m-a"]}/devices/${address}/quarantine`, body);
  const onePf = (count: number) =>
    api.post("/api/v1/placements", {
      pool: "one-pf",
      count,
      numa: "none",
      host: "m-a",
      dryRun: true,
      guest: { name: "g-q", vcpus: 2, memoryMiB: 1024 },
    });

  it("a quarantined VF or PF is never placed until an operator returns it, and each step is audited", { timeout: 120_000 }, async () => {
    await put("/api/v1/maintenance", { hostLabels: { rack: "r1" }, enabled: false });
    const pool = await api.post("/api/v1/pools", { name: "one-pf", selector: { addresses: [PF] } });
    expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    const all = await onePf(16);
    expect(all.status, JSON.stringify(all.body).slice(0, 300)).toBe(200);
    const vf = all.body.placement.vfs[0].address as string;

    const q = await quarantine(vf, { quarantined: true, reason: "AER fatal errors in dmesg" });
    expect(q.status, JSON.stringify(q.body)).toBe(200);
    expect(q.body).toMatchObject({ changed: true, quarantine: { address: vf, by: "token:alice", reason: "AER fatal errors in dmesg" } });
    expect((await onePf(16)).status).toBe(409);
    const fifteen = await onePf(15);
    expect(fifteen.status).toBe(200);
    expect(fifteen.body.placement.vfs.map((v: { address: string }) => v.address)).not.toContain(vf);
    const host = await api.get(`/api/v1/hosts/${ids["m-a"]}`);
    expect(host.body.quarantined).toMatchObject([{ address: vf, reason: "AER fatal errors in dmesg" }]);
    const metrics = await (await fetch(`${stack.plane.url}/metrics`)).text();
    expect(metrics).toMatch(/^vfleet_devices_quarantined\{host="m-a"\} 1$/m);

    // The PF's quarantine covers its VFs.
    expect((await quarantine(PF, { quarantined: true })).body.changed).toBe(true);
    const none = await onePf(1);
    expect(none.status).toBe(409);
    // Quarantining again keeps the first reason.
    expect((await quarantine(vf, { quarantined: true, reason: "other" })).body).toMatchObject({
      changed: false,
      quarantine: { reason: "AER fatal errors in dmesg" },
    });

    expect((await quarantine(PF, { quarantined: false })).body).toMatchObject({ changed: true, quarantine: null });
    expect((await quarantine(vf, { quarantined: false })).body.changed).toBe(true);
    expect((await onePf(16)).status).toBe(200);
    const events = await stack.db.auditEvent.findMany({
      where: { hostId: ids["m-a"], action: { startsWith: "device." } },
      orderBy: { at: "asc" },
    });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ["device.quarantined", "token:alice"],
      ["device.quarantined", "token:alice"],
      ["device.returned-to-service", "token:alice"],
      ["device.returned-to-service", "token:alice"],
    ]);
  });

  it("refuses a bad address, an unknown device or a bad body, naming the field, and changes nothing", { timeout: 60_000 }, async () => {
    expect((await quarantine("35:00.0", { quarantined: true })).body.field).toBe("address");
    expect((await quarantine("0000:99:00.0", { quarantined: true })).body).toMatchObject({ field: "address" });
    expect((await quarantine(PF, {})).body.field).toBe("quarantined");
    expect((await quarantine(PF, { quarantined: true, reason: "x".repeat(201) })).body.field).toBe("reason");
    expect(await stack.db.deviceQuarantine.count()).toBe(0);
  });
});
