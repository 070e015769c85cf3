import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTree } from "@vfleet/simulator";
import { runAudit } from "./audit-run-cli.ts";

/**
 * Seed 000 as the seed saw it, on the simulated DGX-2 (10 ConnectX-5 ports): the operator's
 * sysfsutils file sets the VF count per port, and the guest XML passes every VF through.
 * With 80 VFs (8 per port): 1 vCPU fails the interrupt check; 4 vCPUs with 512 MiB fail the
 * memory check only; 4 vCPUs with 8 GiB pass. With 160 (16 per port): 4 vCPUs fail the
 * interrupt check; 16 vCPUs with 8 GiB pass.
 */
interface Check {
  id: string;
  status: string;
  evidence: string[];
  remediation: string | null;
}
interface Report {
  host: string;
  guest: string | null;
  checks: Check[];
  summary: Record<string, number>;
}

const dirs: string[] = [];
const trees = new Map<number, { root: string; vfs: string[] }>();

async function dgx2(perPort: number): Promise<{ root: string; vfs: string[] }> {
  const root = await mkdtemp(path.join(tmpdir(), `vfleet-dgx2-${perPort}-`));
  dirs.push(root);
  const state = await buildTree("dgx2", root, { vfs: perPort });
  const pfs = [...state.functions.values()].filter((f) => f.sriov && f.net);
  // Operator config (seed 000's /etc/sysfs.d/mlnx-vfs.conf), not hardware: the audit checks it.
  await mkdir(path.join(root, "etc/sysfs.d"), { recursive: true });
  await writeFile(
    path.join(root, "etc/sysfs.d/mlnx-vfs.conf"),
    pfs.map((f) => `class/net/${f.net!.ifname}/device/sriov_numvfs = ${perPort}\n`).join(""),
  );
  const vfs = [...state.functions.values()].filter((f) => f.physfn).map((f) => f.bdf);
  return { root, vfs };
}

/** The seed's guest: pc-i440fx-bionic, every Mellanox VF as a managed <hostdev>. */
function guestXml(vfs: string[], vcpus: number, memoryKiB: number): string {
  const hostdevs = vfs.map((bdf) => {
    const [d, b, sf] = bdf.split(":");
    const [s, f] = sf!.split(".");
    return `    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x${d}' bus='0x${b}' slot='0x${s}' function='0x${f}'/></source></hostdev>`;
  });
  // Same name as the simulator's guest: the seed re-planned its one guest, it did not add one.
  return `<domain type='kvm'>
  <name>dgx-guest</name>
  <memory unit='KiB'>${memoryKiB}</memory>
  <currentMemory unit='KiB'>${memoryKiB}</currentMemory>
  <vcpu placement='static'>${vcpus}</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-bionic'>hvm</type></os>
  <devices>
${hostdevs.join("\n")}
  </devices>
</domain>
`;
}

async function audit(perPort: number, vcpus: number, memoryKiB: number): Promise<{ code: number; report: Report }> {
  const tree = trees.get(perPort)!;
  const file = path.join(tree.root, `guest-${vcpus}-${memoryKiB}.xml`);
  await writeFile(file, guestXml(tree.vfs, vcpus, memoryKiB));
  const { code, stdout, stderr } = await runAudit(["--root", tree.root, "--guest", file, "--json"]);
  expect(stderr).toBe("");
  return { code, report: JSON.parse(stdout) as Report };
}

const failing = (r: Report) => r.checks.filter((c) => c.status === "fail").map((c) => c.id);
const check = (r: Report, id: string) => r.checks.find((c) => c.id === id)!;
const MiB = 1024;
const GiB = 1024 * 1024;

beforeAll(async () => {
  trees.set(8, await dgx2(8));
  trees.set(16, await dgx2(16));
}, 120_000);
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("seed 000 on the simulated DGX-2: 80 VFs (8 per port)", () => {
  it("has 80 VFs to pass", () => expect(trees.get(8)!.vfs).toHaveLength(80));

  it("1 vCPU fails the interrupt check, in numbers", async () => {
    const { code, report } = await audit(8, 1, 512 * MiB);
    expect(code).toBe(1);
    const c = check(report, "guest.interrupt-vectors");
    expect(c.status).toBe("fail");
    expect(c.evidence[0]).toMatch(/^80 function\(s\) passed: 80 x MSI-X table 12/);
    expect(c.evidence).toContain("each asks min(table size, 1 vCPUs + 4 control) = up to 5: 400 vectors needed");
    expect(c.evidence).toContain("1 vCPU(s) x 200 usable x86 vectors per CPU = 200 available");
    expect(c.remediation).toMatch(/^<vcpu placement='static'>3<\/vcpu>/);
  }, 60_000);

  it("4 vCPUs with 512 MiB fail the memory check only", async () => {
    const { code, report } = await audit(8, 4, 512 * MiB);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(["guest.memory"]);
    const c = check(report, "guest.memory");
    expect(c.evidence).toContain("needed: 256 MiB guest OS + 80 function(s) x 10 MiB driver memory = 1056 MiB");
    expect(c.evidence.at(-1)).toMatch(/^512 MiB given < 1056 MiB needed: the guest runs out of memory/);
    expect(c.remediation).toMatch(/^<memory unit='KiB'>2097152<\/memory>/);
    expect(check(report, "guest.interrupt-vectors").status).toBe("pass");
  }, 60_000);

  it("4 vCPUs with 8 GiB pass", async () => {
    const { code, report } = await audit(8, 4, 8 * GiB);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    expect(check(report, "guest.interrupt-vectors").status).toBe("pass");
    expect(check(report, "guest.memory").status).toBe("pass");
    expect(check(report, "persistence.vf-count").status).toBe("pass");
    expect(check(report, "groups.viability").status).toBe("pass");
  }, 60_000);
});

describe("seed 000 on the simulated DGX-2: 160 VFs (16 per port)", () => {
  it("4 vCPUs fail the interrupt check (the seed had to go above 4)", async () => {
    const { code, report } = await audit(16, 4, 8 * GiB);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(["guest.interrupt-vectors"]);
    const c = check(report, "guest.interrupt-vectors");
    expect(c.evidence).toContain("each asks min(table size, 4 vCPUs + 4 control) = up to 8: 1280 vectors needed");
    expect(c.evidence.at(-1)).toMatch(/^1280 vectors needed > 800 available/);
    expect(c.remediation).toMatch(/^<vcpu placement='static'>10<\/vcpu>/);
  }, 60_000);

  it("16 vCPUs with 8 GiB pass", async () => {
    const { code, report } = await audit(16, 16, 8 * GiB);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    expect(check(report, "guest.machine-type").status).toBe("warn"); // i440fx with 160 devices: bridges, q35 advised
  }, 60_000);
});
