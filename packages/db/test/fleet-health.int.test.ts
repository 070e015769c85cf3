import { AUDIT_RULES_REVISION, auditFleet, checkStatuses } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";
import { expect, it } from "vitest";
import { createEnrollmentToken, loadInventory, readFleetHealth, redeemEnrollmentToken, storeSnapshot } from "../src/index.ts";
import { buildDgx2Inventory } from "./dgx2-inventory.ts";
import { query, useMigratedDatabase } from "./pg-server.ts";

const ctx = useMigratedDatabase();

async function enroll(name: string): Promise<string> {
  const { token } = await createEnrollmentToken(ctx.db, { hostName: name });
  return (await redeemEnrollmentToken(ctx.db, { token, hostname: name }))!.hostId;
}

async function store(name: string, inventory: Inventory): Promise<string> {
  const hostId = await enroll(name);
  await storeSnapshot(ctx.db, hostId, { hash: hashContent(inventory), scannedAt: new Date(), inventory });
  return hostId;
}

it("the fleet audit from stored statuses equals auditing every stored inventory, cross-host MACs and stale rows included", async () => {
  // Two DGX-2s with the same VF MACs (the cross-host check fails on both), one with its own MACs,
  // one captured without /sys/module and /proc/cmdline, one IOMMU-less, and one that never reported.
  await store("fh-a", buildDgx2Inventory({ hostname: "fh-a" }));
  await store("fh-b", buildDgx2Inventory({ hostname: "fh-b" }));
  const own = buildDgx2Inventory({ hostname: "fh-own" });
  for (const d of own.devices) for (const c of d.sriov?.vfConfigs ?? []) c.mac = c.mac!.replace(/^02/, "06");
  const ownId = await store("fh-own", own);
  const partial = buildDgx2Inventory({ hostname: "fh-partial", vlan: 7 });
  for (const d of partial.devices) for (const c of d.sriov?.vfConfigs ?? []) c.mac = c.mac!.replace(/^02/, "0a");
  partial.host.unread = ["/proc/cmdline", "/sys/module"];
  const partialId = await store("fh-partial", partial);
  const off = buildDgx2Inventory({ hostname: "fh-off" });
  for (const d of off.devices) for (const c of d.sriov?.vfConfigs ?? []) c.mac = null;
  off.host.iommu = { ...off.host.iommu, enabled: false, groups: 0, units: [] };
  off.host.kernelCmdline = "ro quiet";
  off.devices.forEach((d) => (d.iommuGroup = null));
  off.iommuGroups = [];
  await store("fh-off", off);
  await enroll("fh-waiting");
  // A row from before statuses were kept, and one computed by older rules (with a verdict they no longer give).
  await query(ctx.url, `UPDATE "HostHealth" SET checks = NULL WHERE "hostId" = $1`, [ownId]);
  await query(ctx.url, `UPDATE "HostHealth" SET checks = 'fffffffffffffffffffff', "rulesRevision" = 0 WHERE "hostId" = $1`, [partialId]);

  const view = await readFleetHealth(ctx.db);

  const names = ["fh-a", "fh-b", "fh-own", "fh-partial", "fh-off"];
  const hosts = await Promise.all(
    names.map(async (name) => ({ name, inventory: (await loadInventory(ctx.db, view.hostIds.get(name)!))! })),
  );
  const peer = auditFleet(hosts);
  expect(view.fleet.hosts.map((h) => [h.name, h.summary, h.checks])).toEqual(
    peer.hosts.map((h) => [h.name, h.report.summary, checkStatuses(h.report)]),
  );
  expect(view.fleet.checks).toEqual(peer.checks);
  expect(view.fleet.checks.find((c) => c.id === "sriov.mac-unique")!.failing).toEqual(["fh-a", "fh-b"]);
  expect(view.fleet.hosts[0]!.name).toBe("fh-off");
  expect(view.awaiting).toEqual(["fh-waiting"]);
  // The stale rows were audited again and stored: the next read needs no inventory.
  const rows = await query<{ rulesRevision: number; checks: unknown }>(
    ctx.url,
    `SELECT "rulesRevision", checks FROM "HostHealth" WHERE "hostId" = ANY($1)`,
    [[ownId, partialId]],
  );
  expect(rows.map((r) => r.rulesRevision)).toEqual([AUDIT_RULES_REVISION, AUDIT_RULES_REVISION]);
  expect(rows.every((r) => r.checks !== null)).toBe(true);
});
