/**
 * `pnpm bench`: figures, not assertions. Each line compares against a peer measured in the same run
 * (lspci on the same tree, an unchanged snapshot against a changed one), so the ratios hold across
 * machines even when the absolute times do not.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { scanHost } from "@vfleet/agent/scan";
import { auditHost, computeCapacity } from "@vfleet/core";
import { applyMigrations, createDb, createEnrollmentToken, redeemEnrollmentToken, startDatabase, storeSnapshot } from "@vfleet/db";
import { hashContent } from "@vfleet/protocol/hash";
import { buildTree } from "@vfleet/simulator";
import { benchAgentStartup } from "./bench/agent-startup.ts";
import { fmt, measure, row } from "./bench/measure.ts";
import { benchAgentIdle } from "./bench/agent-idle.ts";
import { benchPlacement } from "./bench/placement.ts";
import { benchPlacementThroughput } from "./bench/placement-throughput.ts";
import { benchFragmentation } from "./bench/fragmentation.ts";
import { benchCapacityHistory } from "./bench/capacity-history.ts";
import { benchLoad } from "./bench/load.ts";
import { benchIdentity } from "./bench/identity.ts";
import { benchSeed000Plan } from "./bench/seed-000-plan.ts";
import { benchFleetAudit } from "./bench/fleet-audit.ts";
import { benchSeed001Plan } from "./bench/seed-001-plan.ts";

const execFileAsync = promisify(execFile);

async function benchScan(root: string) {
  console.log("\nScan of the simulated DGX-2 (10 ConnectX-5 PFs, 160 VFs, 16 GPUs, 12 NVSwitches)");
  const inventory = await scanHost(root);
  const scan = await measure(() => scanHost(root));
  const lspciArgs = ["-A", "linux-sysfs", "-O", `sysfs.path=${root}/sys/bus/pci`, "-nn", "-k", "-D", "-vv"];
  const lspci = await measure(() => execFileAsync("lspci", lspciArgs, { maxBuffer: 64 << 20 }));
  row(`agent scanHost (${inventory.devices.length} functions + host facts)`, fmt(scan.median));
  row("lspci -nn -k -D -vv on the same tree (a process)", fmt(lspci.median));
  row("ratio scan / lspci", `${(scan.median / lspci.median).toFixed(2)}x`);
  return inventory;
}

async function benchStore(inventory: Awaited<ReturnType<typeof scanHost>>) {
  console.log(
    "\nStore a 160-VF snapshot in PostgreSQL (embedded; one statement: the SQL function vfleet_store_inventory, then the derived summaries)",
  );
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-pg-"));
  const database = await startDatabase({ dataDir: dir });
  const db = createDb(database.url);
  try {
    await applyMigrations(database.url);
    const { token } = await createEnrollmentToken(db, { hostName: "bench" });
    const enrolled = await redeemEnrollmentToken(db, { token, hostname: inventory.host.hostname });
    if (!enrolled) throw new Error("enrollment failed");
    const capacity = computeCapacity(inventory).totals;
    // Alternate between two contents so every write is a real replace.
    const other = structuredClone(inventory);
    other.host.kernelCmdline += " bench=1";
    const snaps = [inventory, other].map((inv) => ({ hash: hashContent(inv), scannedAt: new Date(), inventory: inv, capacity }));
    let i = 0;
    const changed = await measure(() => storeSnapshot(db, enrolled.hostId, snaps[i++ % 2]!), { runs: 21 });
    const unchanged = await measure(() => storeSnapshot(db, enrolled.hostId, snaps[0]!), { runs: 21 });
    row("changed snapshot (replace all rows)", fmt(changed.median));
    row("unchanged snapshot (hash equal: nothing written)", fmt(unchanged.median));
    row("ratio changed / unchanged", `${(changed.median / unchanged.median).toFixed(1)}x`);
  } finally {
    await db.$disconnect();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchAudit(inventory: Awaited<ReturnType<typeof scanHost>>) {
  console.log("\nAudit of the DGX-2 with 160 VFs (all rules, pure)");
  // The simulated guest holds 80 VFs; plan all 160 into it so guest sizing checks every function.
  const guest = { ...inventory.guests[0]!, hostdevs: [] };
  const plannedDevices = inventory.devices.filter((d) => d.physfn !== null).map((d) => d.address);
  const audit = await measure(() => auditHost(inventory, { guest, plannedDevices }), { runs: 51, warmup: 5 });
  const capacity = await measure(() => computeCapacity(inventory), { runs: 51, warmup: 5 });
  row(`auditHost (whole host + a guest planned with ${plannedDevices.length} VFs)`, fmt(audit.median));
  row("computeCapacity (peer: one pass over the same devices)", fmt(capacity.median));
  row("ratio audit / capacity", `${(audit.median / capacity.median).toFixed(1)}x`);
}

async function main() {
  // `pnpm bench placement`: the scheduler's benchmark alone (it stores its own fleet).
  if (process.argv[2] === "placement") return benchPlacement();
  // `pnpm bench placement-throughput`: concurrent dry runs and confirms at 5,000 hosts, against the former path.
  if (process.argv[2] === "placement-throughput") return benchPlacementThroughput();
  // `pnpm bench fragmentation`: pack, spread and first-fit on the same random history (pure, no database).
  if (process.argv[2] === "fragmentation") return benchFragmentation();
  if (process.argv[2] === "load") return benchLoad(process.argv.slice(3));
  if (process.argv[2] === "agent-idle") return benchAgentIdle();
  if (process.argv[2] === "capacity-history") return benchCapacityHistory();
  if (process.argv[2] === "seed-000-plan") return benchSeed000Plan();
  if (process.argv[2] === "fleet-audit") return benchFleetAudit();
  // A real kernel in QEMU: minutes under TCG, so only on request.
  if (process.argv[2] === "seed-001-plan") return benchSeed001Plan();
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-"));
  try {
    await buildTree("dgx2", dir, { vfs: 16 });
    const inventory = await benchScan(dir);
    await benchStore(inventory);
    if (process.argv[2] === "store") return; // `pnpm bench store`: the scan and the store alone
    await benchAudit(inventory);
    await benchAgentStartup();
    await benchIdentity();
    await benchSeed000Plan();
    await benchAgentIdle();
    await benchPlacement();
    await benchCapacityHistory();
    await benchFleetAudit();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
