/**
 * Every host write of the agent on a real Linux kernel: Debian's 6.1 in a QEMU test hypervisor
 * with two Intel 82576 (igb) SR-IOV PFs and an emulated Intel IOMMU, the agent artifact running
 * its own executors inside it (`agent run-job`). The simulator's 82576 is compared with this
 * kernel through the control plane in apps/web/test/kernel-control-plane.int.test.ts.
 * One VM for the whole file (a boot under TCG takes a minute or two).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_IN_GUEST, startKernelHost, type KernelHost } from "../../../scripts/testhost/agent-in-guest.ts";

const PF = "0000:01:00.0"; // first igb PF, behind root port 1
const PF_IF = "enp1s0";
const MGMT = "0000:00:02.0"; // virtio-net carrying the default route and this SSH session (enp0s2)

let host: KernelHost;
beforeAll(async () => {
  host = await startKernelHost("kernel-jobs");
}, 900_000);
afterAll(async () => {
  await host?.stop();
});

/** Each job starts Node in the guest, 10-30 s under TCG on a loaded machine: a test is minutes. */
const SLOW = 900_000;

const numvfs = async (pf = PF) => Number((await host.sh(`cat /sys/bus/pci/devices/${pf}/sriov_numvfs`)).trim());
const setCount = (count: number) => ({ kind: "vf.set-count", params: { pf: PF, count } });

describe("vf.set-count on igb (Debian 6.1)", () => {
  it(
    "goes 0 -> 4 -> 7 (the most igb allows) -> 0, each count read back from sysfs, with the kernel's VF addresses",
    async () => {
      expect((await host.sh(`cat /sys/bus/pci/devices/${PF}/sriov_totalvfs`)).trim()).toBe("7");
      // The capability offers 8 (lspci's Total VFs); igb caps sysfs at 7 with pci_sriov_set_totalvfs().
      expect(await host.sh(`lspci -s ${PF} -vvv`)).toMatch(/Total VFs: 8/);
      const four = await host.runJob(setCount(4), [PF]);
      expect([four.code, four.result.status, four.result.observed.numVfs]).toEqual([0, "succeeded", 4]);
      expect(four.result.observed.vfs).toEqual(["0000:01:10.0", "0000:01:10.2", "0000:01:10.4", "0000:01:10.6"]);
      expect(await numvfs()).toBe(4);
      expect((await host.sh(`readlink /sys/bus/pci/devices/0000:01:10.0/driver`)).trim()).toMatch(/\/igbvf$/);
      const seven = await host.runJob(setCount(7), [PF]);
      expect(seven.result.steps.map((s) => s.action)).toEqual([
        `read sys/bus/pci/devices/${PF}/sriov_numvfs`,
        `write sys/bus/pci/devices/${PF}/sriov_numvfs = 0`,
        `write sys/bus/pci/devices/${PF}/sriov_numvfs = 7`,
      ]);
      expect(await numvfs()).toBe(7);
      const zero = await host.runJob(setCount(0), [PF]);
      expect([zero.result.status, await numvfs()]).toEqual(["succeeded", 0]);
    },
    SLOW,
  );

  it(
    "refuses 8 (above sriov_totalvfs) before any write; the kernel's own answer to a forced write is ERANGE",
    async () => {
      const r = await host.runJob(setCount(8), [PF]);
      expect([r.code, r.result.error?.code, r.result.changed]).toEqual([1, "ERANGE", false]);
      expect(r.result.steps.filter((s) => s.action.startsWith("write"))).toEqual([]);
      const forced = await host.shAny(`echo 8 > /sys/bus/pci/devices/${PF}/sriov_numvfs`);
      expect(forced.code).not.toBe(0);
      expect(forced.stderr).toContain("Numerical result out of range");
      expect(await numvfs()).toBe(0);
    },
    SLOW,
  );

  it(
    "4 -> 2: the kernel refuses a direct change (EBUSY), so the agent goes through 0",
    async () => {
      await host.runJob(setCount(4), [PF]);
      const direct = await host.shAny(`echo 2 > /sys/bus/pci/devices/${PF}/sriov_numvfs`);
      expect(direct.stderr).toContain("Device or resource busy");
      expect(await host.sh("dmesg | tail -n 20")).toContain("4 VFs already enabled. Disable before enabling 2 VFs");
      const r = await host.runJob(setCount(2), [PF]);
      expect(r.result.steps.map((s) => `${s.action} ${s.status}`)).toEqual([
        `read sys/bus/pci/devices/${PF}/sriov_numvfs done`,
        `write sys/bus/pci/devices/${PF}/sriov_numvfs = 0 done`,
        `write sys/bus/pci/devices/${PF}/sriov_numvfs = 2 done`,
      ]);
      expect(await numvfs()).toBe(2);
    },
    SLOW,
  );
});

describe("vf.configure on igbvf VFs, read back from ip -json -details link show", () => {
  it(
    "sets MAC, VLAN/QoS, spoof check and trust; igb has no link-state op: EOPNOTSUPP, and the result says what the kernel applied first",
    async () => {
      const all = await host.runJob(
        {
          kind: "vf.configure",
          params: { pf: PF, vf: 1, mac: "52:54:00:aa:00:01", vlan: 100, qos: 3, trust: true, spoofchk: false, linkState: "enable" },
        },
        [PF],
      );
      expect([all.result.status, all.result.changed]).toEqual(["failed", true]);
      expect(all.result.error?.message).toContain("RTNETLINK answers: Operation not supported");
      const vfinfo = async (vf: number) =>
        (JSON.parse(await host.sh(`ip -json -details link show dev ${PF_IF}`)) as [{ vfinfo_list: Record<string, unknown>[] }])[0]
          .vfinfo_list[vf]!;
      // rtnetlink applied MAC, VLAN and spoof check, stopped at link state, never reached trust.
      await expect(vfinfo(1)).resolves.toMatchObject({
        address: "52:54:00:aa:00:01",
        vlan_list: [{ vlan: 100, qos: 3 }],
        spoofchk: false,
        trust: false,
        link_state: "auto",
      });
      expect(all.result.observed).toMatchObject({ vf: { mac: "52:54:00:aa:00:01", vlan: 100, qos: 3, spoofchk: false, trust: false } });
      const trust = await host.runJob({ kind: "vf.configure", params: { pf: PF, vf: 1, trust: true } }, [PF]);
      expect([trust.result.status, trust.result.observed]).toMatchObject(["succeeded", { vf: { trust: true } }]);
      expect(await vfinfo(1)).toMatchObject({ trust: true, spoofchk: false, address: "52:54:00:aa:00:01" });
    },
    SLOW,
  );
});

describe("device.bind with real IOMMU groups", () => {
  it(
    "without the vfio-pci module the VF is left driverless with the override, and the same job finishes once it is loaded",
    async () => {
      const vf = "0000:01:10.2";
      expect((await host.sh(`ls /sys/bus/pci/devices/${vf}/iommu_group/devices`)).trim()).toBe(vf);
      const first = await host.runJob({ kind: "device.bind", params: { device: vf, driver: "vfio-pci" } }, [PF]);
      expect([first.result.status, first.result.error?.code]).toEqual(["failed", "not-bound"]);
      await host.sh("modprobe vfio-pci");
      const again = await host.runJob({ kind: "device.bind", params: { device: vf, driver: "vfio-pci" } }, [PF]);
      expect([again.result.status, again.result.observed.driver]).toEqual(["succeeded", "vfio-pci"]);
      expect((await host.sh(`readlink /sys/bus/pci/devices/${vf}/driver`)).trim()).toMatch(/\/vfio-pci$/);
      const group = (await host.sh(`basename $(readlink /sys/bus/pci/devices/${vf}/iommu_group)`)).trim();
      expect(await host.sh("ls /dev/vfio")).toContain(group);
      const back = await host.runJob({ kind: "device.bind", params: { device: vf, driver: "host" } }, [PF]);
      expect([back.result.status, back.result.observed.driver]).toEqual(["succeeded", "igbvf"]);
      expect((await host.sh(`cat /sys/bus/pci/devices/${vf}/driver_override`)).trim()).toBe("(null)");
    },
    SLOW,
  );

  it(
    "refuses the management NIC (the default route and this SSH session go through it), whatever the policy adopts",
    async () => {
      expect(await host.sh("ip -json route show default")).toContain('"dev":"enp0s2"');
      const r = await host.runJob({ kind: "device.bind", params: { device: MGMT, driver: "vfio-pci" } }, [MGMT]);
      expect([r.code, r.result.status, r.result.changed]).toEqual([1, "failed", false]);
      expect(r.result.error?.message).toMatch(/default route|enp0s2/);
      expect((await host.sh(`readlink /sys/bus/pci/devices/${MGMT}/driver`)).trim()).toMatch(/\/virtio-pci$/);
    },
    SLOW,
  );
});

describe("host.persist on the real boot path", () => {
  it(
    "the udev method brings the VF count back after a reboot (its rule matches the PF's name once udev has given it)",
    async () => {
      const r = await host.runJob({ kind: "host.persist", params: { vfCounts: [{ pf: PF_IF, count: 3 }], vfioIds: [], method: "udev" } }, [
        PF,
      ]);
      expect([r.result.status, r.result.changed]).toEqual(["succeeded", true]);
      await host.sh(`echo 0 > /sys/bus/pci/devices/${PF}/sriov_numvfs`);
      await host.reboot();
      expect(await numvfs()).toBe(3);
      // The agent reads the same state back after the reboot, and the rule as its persistence evidence.
      const scan = JSON.parse(await host.sh(`node ${AGENT_IN_GUEST} scan --json`)) as {
        devices: { address: string; sriov: { numVfs: number } | null }[];
        host: { persistence: { vfCounts: { interface: string | null; numVfs: number }[] } | null };
      };
      expect(scan.devices.find((d) => d.address === PF)?.sriov?.numVfs).toBe(3);
      expect(scan.host.persistence?.vfCounts).toEqual(expect.arrayContaining([expect.objectContaining({ interface: PF_IF, numVfs: 3 })]));
    },
    SLOW,
  );
});
