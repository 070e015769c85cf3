import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, createDb, savePool, startDatabase, storeSnapshot, type Db, type PoolView } from "@vfleet/db";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";

export const RACE_PF = "0000:35:00.0";

export type RaceFleet = { clients: Db[]; pool: PoolView; stop(): Promise<void> };

/**
 * The placement race tests' fleet: one stored DGX-2 reduced to one ConnectX-5 port whose first 8
 * VFs are in a guest (8 free ready VFs left, no count change possible under an assigned VF), a
 * pool of that PF, and `processes` Prisma clients as that many control planes would have (their
 * pools together stay under PostgreSQL's max_connections, 100).
 */
export async function startRaceFleet(processes: number): Promise<RaceFleet> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-placement-race-"));
  const database = await startDatabase({ dataDir: join(dir, "pg") });
  await applyMigrations(database.url);
  const clients = Array.from({ length: processes }, () => createDb(database.url, { poolMax: 10 }));
  const db = clients[0]!;
  const host = await db.host.create({ data: { name: "dgx2-01", hostname: "dgx2-01", online: true } });
  const inventory = buildDgx2Inventory({ assigned: 8 });
  const keep = (a: string) => !a.startsWith("0000:") || a.startsWith("0000:00:") || a.startsWith("0000:35:");
  inventory.devices = inventory.devices.filter((d) => keep(d.address));
  inventory.iommuGroups = inventory.iommuGroups.filter((g) => g.devices.every(keep));
  await storeSnapshot(db, host.id, { hash: "h1", scannedAt: new Date(), inventory });
  const saved = await savePool(db, {
    pool: { name: "one-pf", selector: { vendorId: "15b3", addresses: [RACE_PF] } },
    actor: "test",
    create: true,
  });
  if (!saved.ok) throw new Error(saved.reason);
  return {
    clients,
    pool: saved.pool,
    async stop() {
      await Promise.all(clients.map((c) => c.$disconnect()));
      await database.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Per VF, reserved and given back strictly in turn: throws naming the VF reserved while held. */
export async function expectEachVfHeldOnce(db: Db): Promise<Map<string, number>> {
  const events = await db.assignmentEvent.findMany({ orderBy: [{ address: "asc" }, { at: "asc" }] });
  const held = new Map<string, number>();
  for (const e of events) {
    const next = (held.get(e.address) ?? 0) + (e.action === "reserved" ? 1 : -1);
    if (next < 0 || next > 1) throw new Error(`${e.address}: ${e.action} while ${held.get(e.address) ?? 0} reservations were held`);
    held.set(e.address, next);
  }
  return held;
}
