import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobResult } from "@vfleet/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { AgentPolicy, executeJob, SIMULATOR_POLICY } from "../src/jobs/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";

/**
 * The agent's own refusals on the simulator's kernel model (host safety): only
 * endpoints are assigned, every job that can cut traffic checks the host-critical rule, and an
 * attach leaving an IOMMU group not viable is refused as a bind is. Each refusal changes nothing.
 */
afterEach(removeTrees);

const PF = "0000:86:00.0";
const run = (root: string, job: unknown, policy = SIMULATOR_POLICY) => executeJob(job, { io: createSimulatedHostIO(root), policy });
const attach = (guest: string, ...addresses: string[]) => ({
  kind: "guest.attach",
  params: { guest, devices: addresses.map((address) => ({ address })) },
});
const refusal = (r: JobResult) => [r.status, r.changed, r.error?.code, r.error?.message];
const driverOf = async (root: string, bdf: string) => (await scanHost(root)).devices.find((d) => d.address === bdf)!.driver;

describe("only endpoints are assigned", () => {
  it("never attaches a PF that has VFs to a guest, and says the VFs would die", async () => {
    const root = await simTree("dgx2", 0);
    expect((await run(root, { kind: "vf.set-count", params: { pf: PF, count: 16 } })).status).toBe("succeeded");
    const r = await run(root, attach("dgx-guest", PF));
    expect(refusal(r)).toEqual(["failed", false, "pf-has-vfs", `${PF} is an SR-IOV PF with 16 VFs`]);
    expect(r.error!.explanation).toContain("destroy its 16 VFs");
    expect(await driverOf(root, PF)).toBe("mlx5_core");
  });

  it("never binds or attaches a PCI bridge, even when the policy adopts it", async () => {
    const ws = await simTree("gpu-workstation"); // 05:00.0 PCIe-to-PCI bridge (no driver), 00:1c.7 root port
    for (const bridge of ["0000:05:00.0", "0000:00:1c.7"]) {
      const policy = AgentPolicy.parse({ adopt: [bridge] });
      const bind = await run(ws, { kind: "device.bind", params: { device: bridge, driver: "vfio-pci" } }, policy);
      expect(refusal(bind)).toEqual([
        "failed",
        false,
        "not-an-endpoint",
        `${bridge} is a PCI bridge (class 0604), not an endpoint: only endpoints can be assigned`,
      ]);
      const att = await run(ws, attach("win-gtx750", bridge), policy);
      expect(att.error!.code).toBe("not-an-endpoint");
    }
    const inv = await scanHost(ws);
    expect(["0000:05:00.0", "0000:00:1c.7"].map((b) => inv.devices.find((d) => d.address === b)!.driver)).toEqual([null, "pcieport"]);
    expect(inv.guests.find((g) => g.name === "win-gtx750")!.hostdevs.map((h) => h.address)).not.toContain("0000:00:1c.7");
  });

  it("never binds the LPC bridge, alone or with the IOMMU group it shares with the SATA controller", async () => {
    const ws = await simTree("gpu-workstation"); // group 11: 00:1f.0 LPC bridge (lpc_ich), 00:1f.2 ahci, 00:1f.3 i801_smbus
    const policy = AgentPolicy.parse({ adopt: ["0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3"] });
    const alone = await run(ws, { kind: "device.bind", params: { device: "0000:00:1f.0", driver: "vfio-pci" } }, policy);
    expect(refusal(alone)).toEqual([
      "failed",
      false,
      "not-an-endpoint",
      "0000:00:1f.0 is a system bridge (class 0601) the host platform runs on, not an endpoint: only endpoints can be assigned",
    ]);
    const group = await run(ws, { kind: "device.bind", params: { device: "0000:00:1f.2", driver: "vfio-pci", group: true } }, policy);
    expect(group.error?.code).toBe("not-an-endpoint");
    expect(await Promise.all(["0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3"].map((b) => driverOf(ws, b)))).toEqual([
      "lpc_ich",
      "ahci",
      "i801_smbus",
    ]);
  });
});

describe("the host-critical rule covers vf.configure and host.persist", () => {
  it("refuses to change the MAC/VLAN of a VF that carries the default route or is a bond member", async () => {
    const root = await simTree("dgx2", 0);
    await run(root, { kind: "vf.set-count", params: { pf: PF, count: 2 } });
    const vfs = (await scanHost(root)).devices.filter((d) => d.physfn === PF).sort((a, b) => a.vfIndex! - b.vfIndex!);
    const [v0, v1] = [vfs[0]!.netInterfaces[0]!, vfs[1]!.netInterfaces[0]!];
    // The host's default route moves to VF 0's netdev; VF 1's netdev joins bond0.
    const route = join(root, "proc/net/route");
    const eno1 = (await scanHost(root)).host.defaultRouteInterface!;
    await writeFile(route, (await readFile(route, "utf8")).replaceAll(eno1, v0));
    await mkdir(join(root, "sys/devices/virtual/net/bond0"), { recursive: true });
    await symlink(join(root, "sys/devices/virtual/net/bond0"), join(root, `sys/class/net/${v1}/master`));

    const configure = (vf: number) => run(root, { kind: "vf.configure", params: { pf: PF, vf, mac: "52:54:00:00:00:01", vlan: 100 } });
    expect(refusal(await configure(0))).toEqual([
      "failed",
      false,
      "unsafe-device",
      `refused to reconfigure ${vfs[0]!.address}: its interface ${v0} carries the host's default route`,
    ]);
    expect(refusal(await configure(1))).toEqual([
      "failed",
      false,
      "unsafe-device",
      `refused to reconfigure ${vfs[1]!.address}: its interface ${v1} is a member of the bond/bridge bond0`,
    ]);
    const cfgs = (await scanHost(root)).devices.find((d) => d.address === PF)!.sriov!.vfConfigs;
    expect(cfgs.map((c) => [c.mac, c.vlan])).not.toContainEqual(["52:54:00:00:00:01", 100]);
  });

  it("refuses a host.persist whose vfio-pci ids would take the default route's NIC at boot", async () => {
    const root = await simTree("dgx2", 0);
    const inv = await scanHost(root);
    const nic = inv.devices.find((d) => d.netInterfaces.includes(inv.host.defaultRouteInterface!))!;
    const id = `${nic.vendorId}:${nic.deviceId}`;
    const r = await run(root, { kind: "host.persist", params: { vfCounts: [], vfioIds: [id] } });
    expect(refusal(r)).toEqual([
      "failed",
      false,
      "unsafe-device",
      `refused to persist vfio-pci ids=${id}: it would take ${nic.address} at boot, and its interface ${inv.host.defaultRouteInterface} carries the host's default route`,
    ]);
  });
});

describe("an attach that leaves the IOMMU group not viable is refused, naming the members", () => {
  it("a GPU whose audio function is still on snd_hda_intel", async () => {
    const ws = await simTree("gpu-workstation"); // group 12: Radeon 02:00.0 + audio 02:00.1, both on vfio-pci
    const [gpu, audio] = ["0000:02:00.0", "0000:02:00.1"];
    const policy = AgentPolicy.parse({ adopt: [gpu, audio] });
    expect((await run(ws, { kind: "device.bind", params: { device: audio, driver: "host" } }, policy)).status).toBe("succeeded");
    const r = await run(ws, attach("win-gtx750", gpu), policy);
    expect(refusal(r)).toEqual(["failed", false, "partial-iommu-group", `${gpu} is in IOMMU group 12 with ${audio} (snd_hda_intel)`]);
    expect(r.error!.explanation).toContain("device.bind with group: true");
    expect((await scanHost(ws)).guests.find((g) => g.name === "win-gtx750")!.hostdevs.map((h) => h.address)).not.toContain(gpu);
  });
});
