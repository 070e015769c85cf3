import { describe, expect, it } from "vitest";
import { guestWithVfs, makeInventory } from "../audit/testing/make-inventory.ts";
import { checkJobAgainstInventory } from "./check-job-against-inventory.ts";
import { jobResourceKeys } from "./job-resource-keys.ts";
import { planSeed000 } from "./plan-seed-000.ts";
import { previewJob } from "./preview-job.ts";
import { vfAddressOf } from "./vf-address.ts";

const PF = "0000:86:00.0";

describe("previewJob", () => {
  it("vf.set-count from 4 to 8 writes 0 first, then 8, and warns about assigned VFs", () => {
    const inv = makeInventory({ vfs: 4 });
    inv.guests = [guestWithVfs(inv, 3, { name: "db1" })];
    const p = previewJob({ kind: "vf.set-count", params: { pf: PF, count: 8 } }, inv);
    expect(p.changes).toEqual([
      { type: "sysfs", path: `/sys/bus/pci/devices/${PF}/sriov_numvfs`, value: "0" },
      { type: "sysfs", path: `/sys/bus/pci/devices/${PF}/sriov_numvfs`, value: "8" },
    ]);
    expect(p.refusals.join(" ")).toMatch(/3 of its VFs are attached to guests \(db1\)/);
    expect(p.before).toEqual({ numVfs: 4, totalVfs: 16 });
  });

  it("lists what the agent will refuse apart from the notes: giving back what a running guest holds, attaching what another guest holds", () => {
    const inv = makeInventory({ vfs: 2 });
    const vf = inv.devices.find((d) => d.physfn)!.address;
    inv.guests = [guestWithVfs(inv, 1, { name: "db1", state: "running" })];
    const giveBack = previewJob({ kind: "device.bind", params: { device: vf, driver: "host" } }, inv);
    expect(giveBack.refusals).toEqual([expect.stringContaining("held by the running guest db1")]);
    inv.guests[0]!.state = "shut off";
    const stopped = previewJob({ kind: "device.bind", params: { device: vf, driver: "host" } }, inv);
    expect(stopped.refusals).toEqual([]);
    expect(stopped.notes.join(" ")).toContain("in the definition of db1");
    inv.guests.push(guestWithVfs(inv, 0, { name: "web1" }));
    const attach = previewJob(
      { kind: "guest.attach", params: { guest: "web1", devices: [{ address: vf, kind: "hostdev" }], live: false, config: true } },
      inv,
    );
    expect(attach.refusals).toEqual([expect.stringContaining("assigned to another guest")]);
  });

  it("the same count writes nothing", () => {
    expect(previewJob({ kind: "vf.set-count", params: { pf: PF, count: 4 } }, makeInventory({ vfs: 4 })).changes).toEqual([]);
  });

  it("device.bind to vfio-pci: driver_override, unbind from the current driver, drivers_probe", () => {
    const inv = makeInventory({ vfs: 1 });
    const vf = inv.devices.find((d) => d.physfn)!;
    vf.driver = "mlx5_core";
    expect(previewJob({ kind: "device.bind", params: { device: vf.address, driver: "vfio-pci" } }, inv).changes).toEqual([
      { type: "sysfs", path: `/sys/bus/pci/devices/${vf.address}/driver_override`, value: "vfio-pci" },
      { type: "sysfs", path: `/sys/bus/pci/drivers/mlx5_core/unbind`, value: vf.address },
      { type: "sysfs", path: "/sys/bus/pci/drivers_probe", value: vf.address },
    ]);
  });

  it("device.bind of a list (1.6) previews each device's writes, holds each, and a problem names its index", () => {
    const inv = makeInventory({ vfs: 4 });
    const vfs = inv.devices.filter((d) => d.physfn === PF).map((d) => d.address);
    for (const d of inv.devices) if (d.physfn === PF) d.driver = "mlx5_core";
    const job = { kind: "device.bind" as const, params: { devices: vfs, driver: "vfio-pci" as const } };
    const p = previewJob(job, inv);
    expect(
      p.changes.filter((c) => c.type === "sysfs" && c.path === "/sys/bus/pci/drivers_probe").map((c) => (c as { value: string }).value),
    ).toEqual(vfs);
    expect(p.changes).toHaveLength(12);
    expect(p.summary).toBe(`device.bind 4 devices (${vfs[0]} ... ${vfs[3]}): -> vfio-pci`);
    expect(Object.keys(p.before.devices as object)).toEqual(vfs);
    expect(jobResourceKeys(job, inv).sort()).toEqual(vfs.map((v) => `dev:${v}`).sort());
    expect(checkJobAgainstInventory(job, inv)).toBeNull();
    const missing = checkJobAgainstInventory({ ...job, params: { ...job.params, devices: [vfs[0]!, "0000:99:00.1"] } }, inv);
    expect(missing).toEqual({ field: "params.devices.1", message: "no PCI device 0000:99:00.1 on this host" });
    expect(checkJobAgainstInventory({ ...job, params: { ...job.params, devices: [vfs[0]!, PF] } }, inv)?.field).toBe("params.devices.1");
  });

  it("device.bind with group: true previews every endpoint of the IOMMU group and holds them all", () => {
    const inv = makeInventory({ vfs: 0 });
    const gpu = { ...inv.devices[1]!, address: "0000:01:00.0", driver: "nouveau", classCode: "030000", iommuGroup: 2 };
    const audio = {
      ...inv.devices[1]!,
      address: "0000:01:00.1",
      driver: "snd_hda_intel",
      classCode: "040300",
      iommuGroup: 2,
      netInterfaces: [],
    };
    inv.devices = [inv.devices[0]!, gpu, audio, ...inv.devices.slice(2)];
    inv.iommuGroups = inv.iommuGroups.map((g) => (g.id === 2 ? { id: 2, devices: ["0000:01:00.0", "0000:01:00.1"] } : g));
    const single = previewJob({ kind: "device.bind", params: { device: gpu.address, driver: "vfio-pci" } }, inv);
    expect(single.notes.join(" ")).toContain("also holds 0000:01:00.1");
    const whole = previewJob({ kind: "device.bind", params: { device: gpu.address, driver: "vfio-pci", group: true } }, inv);
    expect(whole.changes.filter((c) => c.type === "sysfs" && c.path.endsWith("/unbind")).map((c) => (c as { path: string }).path)).toEqual([
      "/sys/bus/pci/drivers/nouveau/unbind",
      "/sys/bus/pci/drivers/snd_hda_intel/unbind",
    ]);
    expect(whole.summary).toContain("IOMMU group (2 devices)");
    expect(jobResourceKeys({ kind: "device.bind", params: { device: gpu.address, driver: "vfio-pci", group: true } }, inv).sort()).toEqual([
      "dev:0000:01:00.0",
      "dev:0000:01:00.1",
    ]);
  });

  it("vf.configure shows the ip argv with only the settings that differ", () => {
    const p = previewJob(
      { kind: "vf.configure", params: { pf: PF, vf: 1, mac: "02:00:00:00:00:02", vlan: 42, qos: 3, trust: true, spoofchk: true } },
      makeInventory({ vfs: 4 }),
    );
    expect(p.changes).toEqual([
      { type: "command", argv: ["ip", "link", "set", "dev", "enp134s0f0", "vf", "1", "vlan", "42", "qos", "3", "trust", "on"] },
    ]);
  });

  it("guest.attach shows libvirt XML per device and the virsh flags", () => {
    const inv = makeInventory({ vfs: 2 });
    inv.guests = [guestWithVfs(inv, 0, { name: "vm1" })];
    const vfs = inv.devices.filter((d) => d.physfn).map((d) => d.address);
    const p = previewJob(
      {
        kind: "guest.attach",
        params: {
          guest: "vm1",
          devices: [
            { address: vfs[0]!, kind: "hostdev" },
            { address: vfs[1]!, kind: "interface", mac: "02:11:22:33:44:55", vlan: 7 },
          ],
          live: false,
          config: true,
        },
      },
      inv,
    );
    expect(p.changes).toHaveLength(2);
    expect(p.changes[0]).toMatchObject({ type: "libvirt", argv: ["virsh", "attach-device", "vm1", "<file>", "--config"] });
    expect((p.changes[0] as { xml: string }).xml).toContain("<hostdev mode='subsystem' type='pci' managed='yes'>");
    expect((p.changes[1] as { xml: string }).xml).toContain("<mac address='02:11:22:33:44:55'/>");
    expect((p.changes[1] as { xml: string }).xml).toContain("<tag id='7'/>");
  });

  it("host.persist shows the exact files", () => {
    const p = previewJob(
      { kind: "host.persist", params: { vfCounts: [{ pf: "enp134s0f0", count: 8 }], vfioIds: ["15b3:1018"], method: "sysfsd" } },
      makeInventory(),
    );
    const files = Object.fromEntries(p.changes.map((c) => [(c as { path: string }).path, (c as { content: string | null }).content]));
    expect(files["/etc/sysfs.d/vfleet-sriov.conf"]).toContain("class/net/enp134s0f0/device/sriov_numvfs = 8\n");
    expect(files["/etc/modprobe.d/vfleet-vfio.conf"]).toContain("options vfio-pci ids=15b3:1018\n");
    expect(files["/etc/udev/rules.d/81-vfleet-sriov.rules"]).toBeNull();
  });
});

describe("checkJobAgainstInventory", () => {
  it("names params.count and the PF's limit for a count above sriov_totalvfs", () => {
    expect(checkJobAgainstInventory({ kind: "vf.set-count", params: { pf: PF, count: 17 } }, makeInventory())).toEqual({
      field: "params.count",
      message: `must be at most 16 (sriov_totalvfs of ${PF}), got 17`,
    });
  });
  it("accepts VFs a plan's earlier jobs will create", () => {
    const inv = makeInventory({ vfs: 0 });
    const vf = vfAddressOf(PF, 2, 1, 0);
    expect(checkJobAgainstInventory({ kind: "device.bind", params: { device: vf, driver: "vfio-pci" } }, inv)?.field).toBe("params.device");
    expect(checkJobAgainstInventory({ kind: "device.bind", params: { device: vf, driver: "vfio-pci" } }, inv, new Set([vf]))).toBeNull();
  });
  it("refuses a VF count under assigned VFs, unless an earlier job of the plan detaches every one of them", () => {
    const inv = makeInventory({ vfs: 4 });
    inv.guests = [guestWithVfs(inv, 2, { name: "db1" })];
    const job = { kind: "vf.set-count" as const, params: { pf: PF, count: 0 } };
    expect(checkJobAgainstInventory(job, inv)).toMatchObject({ status: 409, field: "params.count" });
    const [a, b] = inv.guests[0]!.hostdevs.map((h) => h.address);
    expect(checkJobAgainstInventory(job, inv, new Set([`detached:${a}`]))?.field).toBe("params.count");
    expect(checkJobAgainstInventory(job, inv, new Set([`detached:${a}`, `detached:${b}`]))).toBeNull();
  });
  it("refuses guest changes up front when the agent reports libvirtd unreachable, and only then", () => {
    const inv = makeInventory({ vfs: 2 });
    inv.guests = [guestWithVfs(inv, 0, { name: "g1" })];
    const vf = inv.devices.find((d) => d.physfn)!.address;
    const attach = {
      kind: "guest.attach" as const,
      params: { guest: "g1", devices: [{ address: vf, kind: "hostdev" as const }], live: false, config: true },
    };
    expect(checkJobAgainstInventory(attach, inv)).toBeNull();
    inv.host.libvirt = { reachable: true, uri: "qemu:///system", detail: "libvirt 9.0.0" };
    expect(checkJobAgainstInventory(attach, inv)).toBeNull();
    inv.host.libvirt = {
      reachable: false,
      uri: "qemu:///system",
      detail: "failed to connect to the hypervisor\n-> start libvirtd: run scripts/start-libvirtd.sh as root",
    };
    const problem = checkJobAgainstInventory(attach, inv);
    expect(problem?.field).toBe("kind");
    expect(problem?.message).toMatch(/need libvirtd.*qemu:\/\/\/system.*start-libvirtd/s);
    expect(checkJobAgainstInventory({ kind: "vf.set-count", params: { pf: PF, count: 1 } }, inv)).toBeNull();
  });
});

describe("jobResourceKeys", () => {
  it("a VF count holds the PF and each of its VFs, so binding one of them at once conflicts", () => {
    const inv = makeInventory({ vfs: 2 });
    const keys = jobResourceKeys({ kind: "vf.set-count", params: { pf: PF, count: 0 } }, inv);
    const vf = inv.devices.find((d) => d.physfn)!.address;
    expect(keys).toContain(`dev:${PF}`);
    expect(keys).toContain(`dev:${vf}`);
    expect(jobResourceKeys({ kind: "device.bind", params: { device: vf, driver: "host" } }, inv)).toEqual([`dev:${vf}`]);
  });
});

describe("vfAddressOf and planSeed000", () => {
  it("computes VF addresses from offset and stride across slot and bus boundaries", () => {
    expect(vfAddressOf("0000:86:00.0", 2, 1, 0)).toBe("0000:86:00.2");
    expect(vfAddressOf("0000:86:00.0", 2, 1, 6)).toBe("0000:86:01.0");
    expect(vfAddressOf("0000:86:00.1", 0x10f, 1, 0)).toBe("0000:87:02.0");
  });
  it("set-count per PF, one bind of the PF's VFs after it, one attach after every bind", () => {
    const plan = planSeed000(makeInventory({ vfs: 0 }), { guest: "dgx", count: 16 });
    expect(plan.map((j) => j.job.kind)).toEqual(["vf.set-count", "device.bind", "guest.attach"]);
    expect(plan[1]!.dependsOn).toEqual([plan[0]!.ref]);
    expect(plan.at(-1)!.dependsOn).toEqual([plan[1]!.ref]);
    const vfs = Array.from({ length: 16 }, (_, i) => vfAddressOf("0000:86:00.0", 2, 1, i));
    expect(plan[1]!.job).toEqual({ kind: "device.bind", params: { devices: vfs, driver: "vfio-pci" } });
    expect((plan[2]!.job.params as { devices: { address: string }[] }).devices.map((d) => d.address)).toEqual(vfs);
  });
  it("a bind per VF for an agent older than protocol 1.6", () => {
    const plan = planSeed000(makeInventory({ vfs: 0 }), { guest: "dgx", count: 16, batchBinds: false });
    expect(plan.map((j) => j.job.kind)).toEqual(["vf.set-count", ...Array(16).fill("device.bind"), "guest.attach"]);
    expect(plan.at(-1)!.dependsOn).toHaveLength(16);
    expect(plan[1]!.job).toEqual({ kind: "device.bind", params: { device: "0000:86:00.2", driver: "vfio-pci" } });
  });
});
