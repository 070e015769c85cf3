import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  assignedVfs,
  type DeviceFacts,
  groupEndpoints,
  guestsByDevice,
  hostCriticalReason,
  nonViableGroupMembers,
  whyNotAssignableIn,
} from "@vfleet/core";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { executeJob, SIMULATOR_POLICY } from "../src/jobs/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { readDeviceView } from "../src/scan/read-device-view.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";

/**
 * The job view must make every safety rule answer exactly as the full scan does, for every device
 * of every profile: it reads less, never differently. Hosts are bent to exercise each rule: the
 * default route on a VF's netdev, a VF netdev in a bond, a VLAN interface carrying the route,
 * a shared IOMMU group, guests holding VFs.
 */
afterEach(removeTrees);

const POLICY = { protectDevices: ["0000:00:1f.6"], protectInterfaces: ["enp134s0f1"] };

function verdicts(inv: DeviceFacts, bdf: string) {
  return {
    critical: hostCriticalReason(inv, POLICY, bdf),
    assignable: whyNotAssignableIn(inv, bdf),
    endpoints: groupEndpoints(inv, bdf),
    nonViable: nonViableGroupMembers(inv, bdf).map((d) => d.address),
    assigned: assignedVfs(inv, bdf),
    holders: guestsByDevice(inv).get(bdf) ?? [],
  };
}

async function expectSameVerdicts(root: string): Promise<number> {
  const full = await scanHost(root);
  for (const d of full.devices) {
    const view = await readDeviceView(root, [d.address], { withVfs: true, withGuests: true });
    expect(verdicts(view, d.address), d.address).toEqual(verdicts(full, d.address));
    // What it lists, it lists as the scan does (netlink VF settings aside: no rule reads them).
    for (const v of view.devices) {
      const s = full.devices.find((x) => x.address === v.address)!;
      const strip = (x: typeof v) => ({ ...x, vfIndex: null, sriov: x.sriov ? { ...x.sriov, vfConfigs: [] } : null });
      expect(strip(v), v.address).toEqual(strip(s));
    }
  }
  return full.devices.length;
}

describe("the job view agrees with the full scan on every safety rule", () => {
  it("on a DGX-2 with VFs, a routed VF, a bonded VF, a routed VLAN and a guest holding VFs", async () => {
    const root = await simTree("dgx2", 0);
    const io = createSimulatedHostIO(root);
    for (const pf of ["0000:86:00.0", "0000:86:00.1"])
      await executeJob({ kind: "vf.set-count", params: { pf, count: 3 } }, { io, policy: SIMULATOR_POLICY });
    const inv = await scanHost(root);
    const [v0, v1] = inv.devices.filter((d) => d.physfn === "0000:86:00.0").map((d) => d.netInterfaces[0]!);
    const route = path.join(root, "proc/net/route");
    await writeFile(route, (await readFile(route, "utf8")).replaceAll(inv.host.defaultRouteInterface!, v0!));
    await mkdir(path.join(root, "sys/devices/virtual/net/bond0"), { recursive: true });
    await symlink(path.join(root, "sys/devices/virtual/net/bond0"), path.join(root, `sys/class/net/${v1}/master`));
    expect(await expectSameVerdicts(root)).toBeGreaterThan(100);
    // The route moves to a VLAN on eno1: eno1's NIC becomes critical through it.
    const eno1 = path.join(root, "sys/class/net/eno1.100");
    await mkdir(eno1, { recursive: true });
    await writeFile(path.join(eno1, "address"), "02:00:00:00:00:01\n");
    await writeFile(route, (await readFile(route, "utf8")).replaceAll(v0!, "eno1.100"));
    await expectSameVerdicts(root);
  });

  it("on a GPU workstation (shared groups, a bridge member, a guest) and an Intel 82576 host", async () => {
    await expectSameVerdicts(await simTree("gpu-workstation"));
    await expectSameVerdicts(await simTree("intel-82576"));
  });

  it("on this machine's own /sys", async () => {
    await expectSameVerdicts("/");
  });

  it("reads only what the job touches: a VF's view of a DGX-2 lists its own function, not the host's", async () => {
    const root = await simTree("dgx2", 16);
    const vf = (await scanHost(root)).devices.find((d) => d.physfn === "0000:86:00.0")!;
    const view = await readDeviceView(root, [vf.address]);
    expect(view.devices.map((d) => d.address)).toEqual([vf.address]);
    expect(view.interfaces.map((i) => i.name)).toEqual(vf.netInterfaces);
    expect(view.guests).toEqual([]);
    expect(await readDeviceView(root, ["0000:ff:1f.7"])).toMatchObject({ devices: [], iommuGroups: [] });
  });
});
