import { afterAll, describe, expect, it } from "vitest";
import type { Job, JobResult } from "@vfleet/protocol";
import { claimNextJob, createDb, createJobs, recordJobResult, type Db, type NewJob } from "../src/index.ts";
import { useMigratedDatabase } from "./pg-server.ts";

/**
 * MACs are unique per VLAN across the fleet, decided by the database: two requests
 * giving one MAC on one VLAN to VFs of two different hosts at the same instant, each through its
 * own connection pool (as two control-plane processes would), cannot both be queued.
 */
const ctx = useMigratedDatabase();
const clients: Db[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
});

let n = 0;
async function host(): Promise<string> {
  return (await ctx.db.host.create({ data: { name: `mac-${++n}`, hostname: `mac-${n}` } })).id;
}
const configure = (pf: string, vf: number, mac: string, vlan: number): NewJob => {
  const job: Job = { kind: "vf.configure", params: { pf, vf, mac, vlan } };
  return {
    ref: "job",
    job,
    summary: `vf.configure ${pf} vf ${vf}: mac ${mac} vlan ${vlan}`,
    dependsOn: [],
    resourceKeys: [`dev:${pf}`],
    before: null,
    macClaims: [{ vlan, mac, target: `VF ${pf} vf ${vf}`, field: "job.params.mac" }],
  };
};
const ok: JobResult = { status: "succeeded", changed: true, steps: [], error: null, observed: {} };

describe("MAC claims", () => {
  it("two hosts, one MAC, one VLAN, at the same instant through separate connections: exactly one is queued", async () => {
    const hosts = await Promise.all([host(), host(), host(), host()]);
    for (let i = clients.length; i < hosts.length; i++) clients.push(createDb(ctx.url));
    // Warm each pool so the requests meet in PostgreSQL, not in connection set-up.
    await Promise.all(clients.map((c) => c.$queryRaw`SELECT 1`));
    for (let round = 0; round < 20; round++) {
      const mac = `52:54:00:00:${String(round).padStart(2, "0")}:01`;
      const outcomes = await Promise.all(
        hosts.map((hostId, i) =>
          createJobs(clients[i]!, { hostId, createdBy: `op${i}`, jobs: [configure(`0000:${round + 10}:00.0`, i, mac, 42)] }),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      for (const o of outcomes.filter((x) => !x.ok))
        expect(o).toMatchObject({ ok: false, conflict: { key: `mac:42/${mac}`, field: "job.params.mac" } });
      expect(await ctx.db.job.count({ where: { params: { path: ["mac"], equals: mac } } })).toBe(1);
    }
  });

  it("the same MAC on another VLAN is another claim", async () => {
    const [a, b] = [await host(), await host()];
    const mac = "52:54:00:aa:00:01";
    expect((await createJobs(ctx.db, { hostId: a, createdBy: "op", jobs: [configure("0000:86:00.0", 0, mac, 10)] })).ok).toBe(true);
    expect((await createJobs(ctx.db, { hostId: b, createdBy: "op", jobs: [configure("0000:86:00.0", 0, mac, 11)] })).ok).toBe(true);
    expect((await createJobs(ctx.db, { hostId: b, createdBy: "op", jobs: [configure("0000:87:00.0", 1, mac.toUpperCase(), 10)] })).ok).toBe(
      false,
    );
  });

  it("a claim holds until its job ended and the host's stored inventory is newer than that; then the next request takes it", async () => {
    const [a, b] = [await host(), await host()];
    const mac = "52:54:00:bb:00:01";
    expect((await createJobs(ctx.db, { hostId: a, createdBy: "op", jobs: [configure("0000:86:00.0", 0, mac, 0)] })).ok).toBe(true);
    const job = (await claimNextJob(ctx.db, a, 60_000))!;
    await recordJobResult(ctx.db, { hostId: a, jobId: job.id, attempt: 1, result: ok });
    // Succeeded, but no snapshot since: the MAC is on the VF and the stored inventory does not show it yet.
    expect((await createJobs(ctx.db, { hostId: b, createdBy: "op", jobs: [configure("0000:86:00.0", 0, mac, 0)] })).ok).toBe(false);
    // The snapshot after the job arrives (from here the inventory check sees the MAC; the claim is no longer needed).
    await ctx.db.host.update({ where: { id: a }, data: { snapshotAt: new Date(Date.now() + 1000) } });
    expect((await createJobs(ctx.db, { hostId: b, createdBy: "op", jobs: [configure("0000:86:00.0", 0, mac, 0)] })).ok).toBe(true);
    expect(await ctx.db.macClaim.findUnique({ where: { vlan_mac: { vlan: 0, mac } } })).toMatchObject({ hostId: b });
  });
});
