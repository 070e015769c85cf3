import { beforeAll, describe, expect, it } from "vitest";
import { fleetTotals, listHostsPage } from "../src/index.ts";
import { useMigratedDatabase } from "./pg-server.ts";

const ctx = useMigratedDatabase();

/** 120 hosts: hv-000..hv-119, every third offline, capacity growing with the number; hv-007 has no snapshot yet. */
beforeAll(async () => {
  await ctx.db.host.createMany({
    data: Array.from({ length: 120 }, (_, i) => ({
      name: `hv-${String(i).padStart(3, "0")}`,
      hostname: i % 10 === 0 ? `gpu-node-${i}.lab` : `node-${i}.lab`,
      online: i % 3 !== 0,
      // Every tenth host's summary predates the ready split and device counts (they count 0 there).
      capacity:
        i === 7
          ? undefined
          : {
              possible: 16,
              created: i % 17,
              bound: i % 5,
              assigned: i % 4,
              free: (i % 17) - (i % 4),
              ...(i % 10 === 5
                ? {}
                : {
                    ready: i % 2,
                    needsBind: (i % 17) - (i % 4) - (i % 2),
                    devices: i % 6,
                    devicesReady: i % 3,
                    devicesNeedsBind: (i % 6) - (i % 3),
                    devicesAssigned: 0,
                    gpus: i % 4,
                    gpusReady: i % 4,
                    gpusNeedsBind: 0,
                    gpusAssigned: 0,
                    gpuModels: i % 4 === 0 ? {} : { "Tesla V100 SXM3 32GB": { ready: i % 4, needsBind: 0, assigned: 0 } },
                  }),
            },
    })),
  });
});

describe("host list pages, filtered and sorted in the database", () => {
  it("pages by name without overlap and says the total", async () => {
    const first = await listHostsPage(ctx.db, { limit: 50, offset: 0 });
    const third = await listHostsPage(ctx.db, { limit: 50, offset: 100 });
    expect(first.total).toBe(120);
    expect(first.hosts.map((h) => h.name).slice(0, 2)).toEqual(["hv-000", "hv-001"]);
    expect(third.hosts.map((h) => h.name)).toEqual(Array.from({ length: 20 }, (_, i) => `hv-${100 + i}`));
  });

  it("searches name and hostname, case-insensitively, with LIKE characters taken literally", async () => {
    const gpu = await listHostsPage(ctx.db, { q: "GPU-NODE", limit: 100, offset: 0 });
    expect(gpu.total).toBe(12);
    expect(gpu.hosts.every((h) => h.hostname.startsWith("gpu-node-"))).toBe(true);
    expect((await listHostsPage(ctx.db, { q: "%", limit: 10, offset: 0 })).total).toBe(0);
  });

  it("sorts by a capacity column, ties by name, hosts without a snapshot last", async () => {
    const { hosts } = await listHostsPage(ctx.db, { sort: "created", dir: "desc", limit: 120, offset: 0 });
    const created = hosts.map((h) => (h.capacity as { created: number } | null)?.created ?? null);
    expect(created[0]).toBe(16);
    expect(created.at(-1)).toBeNull();
    const numbers = created.filter((c): c is number => c !== null);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(hosts.filter((h) => (h.capacity as { created: number } | null)?.created === 16).map((h) => h.name)).toEqual([
      "hv-016",
      "hv-033",
      "hv-050",
      "hv-067",
      "hv-084",
      "hv-101",
      "hv-118",
    ]);
  });

  it("sums capacity per online state, offline hosts apart", async () => {
    const totals = await fleetTotals(ctx.db);
    const hosts = Array.from({ length: 120 }, (_, i) => i).filter((i) => i !== 7);
    const sum = (online: boolean, f: (i: number) => number) => hosts.filter((i) => (i % 3 !== 0) === online).reduce((s, i) => s + f(i), 0);
    const split = (f: (i: number) => number) => (i: number) => (i % 10 === 5 ? 0 : f(i));
    expect(totals.online).toEqual({
      hosts: 80,
      possible: sum(true, () => 16),
      created: sum(true, (i) => i % 17),
      bound: sum(true, (i) => i % 5),
      assigned: sum(true, (i) => i % 4),
      free: sum(true, (i) => (i % 17) - (i % 4)),
      ready: sum(
        true,
        split((i) => i % 2),
      ),
      needsBind: sum(
        true,
        split((i) => (i % 17) - (i % 4) - (i % 2)),
      ),
      devices: sum(
        true,
        split((i) => i % 6),
      ),
      devicesReady: sum(
        true,
        split((i) => i % 3),
      ),
      devicesNeedsBind: sum(
        true,
        split((i) => (i % 6) - (i % 3)),
      ),
      devicesAssigned: 0,
      gpus: sum(
        true,
        split((i) => i % 4),
      ),
      gpusReady: sum(
        true,
        split((i) => i % 4),
      ),
      gpusNeedsBind: 0,
      gpusAssigned: 0,
    });
    // GPUs by model, online hosts only; summaries stored before GPUs were counted have none.
    expect(totals.gpuModels).toEqual({
      "Tesla V100 SXM3 32GB": {
        ready: sum(
          true,
          split((i) => i % 4),
        ),
        needsBind: 0,
        assigned: 0,
      },
    });
    expect(totals.offline.hosts).toBe(40);
    expect(totals.offline.created).toBe(sum(false, (i) => i % 17));
  });
});
