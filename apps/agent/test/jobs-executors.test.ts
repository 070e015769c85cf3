import { readFile } from "node:fs/promises";
import { loadHostState, STATE_FILE } from "@vfleet/simulator";
import path from "node:path";
import type { JobResult } from "@vfleet/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { AgentPolicy, EMPTY_POLICY, executeJob, SIMULATOR_POLICY } from "../src/jobs/index.ts";
import { hostCriticalReason } from "../src/jobs/safety/index.ts";
import { readPersistence } from "../src/scan/read-persistence.ts";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, setFaults, simTree } from "./jobs-sim-tree.ts";

afterEach(removeTrees);

const PF = "0000:86:00.0";
const run = (root: string, job: unknown, policy = SIMULATOR_POLICY, timeoutMs?: number) =>
  executeJob(job, { io: createSimulatedHostIO(root, timeoutMs ? { timeouts: { sysfsMs: timeoutMs, ipMs: timeoutMs } } : {}), policy });
const setCount = (pf: string, count: number) => ({ kind: "vf.set-count", params: { pf, count } });
const bind = (device: string, driver: "vfio-pci" | "host") => ({ kind: "device.bind", params: { device, driver } });
const actions = (r: JobResult) => r.steps.map((s) => `${s.status} ${s.action}`);

describe("vf.set-count on a simulated DGX-2", () => {
  it("creates VFs, is idempotent, and goes 4 -> 8 through 0; scan sees each state", async () => {
    const root = await simTree("dgx2", 0);
    const first = await run(root, setCount(PF, 4));
    expect([first.status, first.changed, first.observed.numVfs]).toEqual(["succeeded", true, 4]);
    const again = await run(root, setCount(PF, 4));
    expect([again.status, again.changed]).toEqual(["succeeded", false]);
    expect(actions(again)).toContain(`skipped write sys/bus/pci/devices/${PF}/sriov_numvfs = 4`);
    const eight = await run(root, setCount(PF, 8));
    expect(actions(eight).filter((a) => a.startsWith("done write"))).toEqual([
      `done write sys/bus/pci/devices/${PF}/sriov_numvfs = 0`,
      `done write sys/bus/pci/devices/${PF}/sriov_numvfs = 8`,
    ]);
    const inv = await scanHost(root);
    const pf = inv.devices.find((d) => d.address === PF)!;
    expect(pf.sriov!.numVfs).toBe(8);
    expect(inv.devices.filter((d) => d.physfn === PF).map((d) => d.driver)).toEqual(Array(8).fill("mlx5_core"));
    const zero = await run(root, setCount(PF, 0));
    expect(zero.status).toBe("succeeded");
    expect((await scanHost(root)).devices.filter((d) => d.physfn === PF)).toEqual([]);
  });

  it("refuses a count above sriov_totalvfs naming the field and the limit, before writing", async () => {
    const root = await simTree("dgx2", 0);
    const r = await run(root, setCount(PF, 17));
    expect(r.status).toBe("failed");
    expect(r.error!.code).toBe("ERANGE");
    expect(r.error!.explanation).toContain("params.count must be at most 16");
    expect(r.changed).toBe(false);
  });

  it("catches a driver that returns success and does nothing (read-back)", async () => {
    const root = await simTree("dgx2", 0);
    await setFaults(root, { silentNoop: [`${PF}/sriov_numvfs`] });
    const r = await run(root, setCount(PF, 4));
    expect([r.status, r.error!.code]).toEqual(["failed", "readback-mismatch"]);
    expect(r.error!.message).toBe(`wrote 4 to sys/bus/pci/devices/${PF}/sriov_numvfs, read back 0`);
  });

  it("times out a write that hangs and says the change may still happen", async () => {
    const root = await simTree("dgx2", 0);
    await setFaults(root, { hangOn: [`${PF}/sriov_numvfs`] });
    const started = performance.now();
    const r = await run(root, setCount(PF, 4), SIMULATOR_POLICY, 300);
    expect(performance.now() - started).toBeLessThan(5000);
    expect([r.status, r.error!.code]).toEqual(["failed", "ETIMEDOUT"]);
    expect(r.error!.explanation).toContain("Read the value back");
  });

  it("explains the kernel's EBUSY when another writer created VFs under it", async () => {
    const root = await simTree("dgx2", 0);
    // The kernel model answers a racing writer: a direct write through HostIO, as a second agent would.
    const io = createSimulatedHostIO(root);
    await io.writeSysfs(`sys/bus/pci/devices/${PF}/sriov_numvfs`, "2");
    await expect(io.writeSysfs(`sys/bus/pci/devices/${PF}/sriov_numvfs`, "4")).rejects.toMatchObject({
      code: "EBUSY",
      hostMessage: "write error: Device or resource busy",
    });
  });
});

describe("safety", () => {
  it("never changes the VF count of a PF whose VFs guests hold, and says which guests", async () => {
    const root = await simTree("intel-82576"); // 7 VFs per port; VF 1 of 03:00.0 is in guestVM
    const r = await run(root, setCount("0000:03:00.0", 4));
    expect([r.status, r.error!.code]).toEqual(["failed", "vfs-assigned"]);
    expect(r.error!.explanation).toBe(
      "The PF already has 7 VFs: the kernel refuses a new count until it is set to 0, and setting it to 0 destroys every VF, but 1 of them are attached to guests (guestVM). Detach them from the guests first (guest.detach), then set the count to 4.",
    );
    expect((await scanHost(root)).devices.find((d) => d.address === "0000:03:00.0")!.sriov!.numVfs).toBe(7);
  });

  it("changes only adopted devices", async () => {
    const root = await simTree("dgx2", 0);
    const r = await run(root, setCount(PF, 2), EMPTY_POLICY);
    expect([r.status, r.error!.code]).toEqual(["failed", "not-adopted"]);
    const adopted = await run(root, setCount(PF, 2), AgentPolicy.parse({ adopt: [PF] }));
    expect(adopted.status).toBe("succeeded");
    const vf = await run(root, bind("0000:86:00.2", "vfio-pci"), AgentPolicy.parse({ adopt: [PF] }));
    expect(vf.status).toBe("succeeded");
    const other = await run(root, setCount("0000:86:00.1", 2), AgentPolicy.parse({ adopt: [PF] }));
    expect(other.error!.code).toBe("not-adopted");
  });

  it("never unbinds the device of the default route, a bridge member, or a protected interface", async () => {
    const ws = await simTree("gpu-workstation"); // enp4s0 (04:00.0) is br0's member; br0 has the default route
    const r = await run(ws, bind("0000:04:00.0", "vfio-pci"), AgentPolicy.parse({ adopt: ["0000:04:00.0"] }));
    expect([r.status, r.error!.code]).toEqual(["failed", "unsafe-device"]);
    expect(r.error!.message).toBe(
      "refused to unbind 0000:04:00.0: its interface enp4s0 is a member of br0, which carries the host's default route",
    );
    const dgx = await simTree("dgx2", 0);
    const eno1 = (await scanHost(dgx)).devices.find((d) => d.netInterfaces.includes("eno1"))!.address;
    const route = await run(dgx, bind(eno1, "vfio-pci"), AgentPolicy.parse({ adopt: [eno1] }));
    expect(route.error!.message).toBe(`refused to unbind ${eno1}: its interface eno1 carries the host's default route`);
    const prot = await run(dgx, setCount(PF, 2), AgentPolicy.parse({ adopt: "all-sriov", protectInterfaces: ["enp134s0f0"] }));
    expect(prot.error!.code).toBe("unsafe-device");
  });

  it("never destroys VFs whose netdev carries host traffic, nor a PF under a routed VLAN interface", async () => {
    const dgx = await simTree("dgx2", 0);
    await run(dgx, setCount(PF, 2));
    const vf0 = (await scanHost(dgx)).devices.find((d) => d.physfn === PF && d.vfIndex === 0)!;
    const policy = AgentPolicy.parse({ adopt: "all-sriov", protectInterfaces: vf0.netInterfaces });
    const r = await run(dgx, setCount(PF, 4), policy);
    expect([r.status, r.error!.code]).toEqual(["failed", "unsafe-device"]);
    expect(r.error!.message).toBe(
      `refused to destroy (via ${PF}'s VF count) ${vf0.address}: its interface ${vf0.netInterfaces[0]} carries the management address or the agent's connection (protectInterfaces)`,
    );
    expect((await scanHost(dgx)).devices.filter((d) => d.physfn === PF)).toHaveLength(2);

    // The default route on eno1.100, a VLAN on eno1: eno1's device is as critical as if eno1 had it.
    const inv = await scanHost(dgx);
    const eno1 = inv.devices.find((d) => d.netInterfaces.includes("eno1"))!.address;
    inv.interfaces.push({ name: "eno1.100", mac: null, carrier: true, operstate: "up", pciAddress: null, master: null });
    inv.host.defaultRouteInterface = "eno1.100";
    expect(hostCriticalReason(inv, EMPTY_POLICY, eno1)).toBe(
      "its VLAN interface eno1.100 carries the host's default route or management address",
    );
  });

  it("never binds part of an IOMMU group and names the members", async () => {
    const ws = await simTree("gpu-workstation"); // group 11: 00:1f.0 lpc_ich, 00:1f.2 ahci, 00:1f.3 i801_smbus
    const r = await run(ws, bind("0000:00:1f.2", "vfio-pci"), AgentPolicy.parse({ adopt: ["0000:00:1f.2"] }));
    expect([r.status, r.error!.code]).toEqual(["failed", "partial-iommu-group"]);
    expect(r.error!.message).toBe("0000:00:1f.2 is in IOMMU group 11 with 0000:00:1f.0 (lpc_ich), 0000:00:1f.3 (i801_smbus)");
    expect((await scanHost(ws)).devices.find((d) => d.address === "0000:00:1f.2")!.driver).toBe("ahci");
  });
});

describe("device.bind", () => {
  it("binds a VF to vfio-pci and gives it back, each level-triggered; scan and the tree agree", async () => {
    const root = await simTree("dgx2", 0);
    await run(root, setCount(PF, 2));
    const vf = "0000:86:00.2";
    const b = await run(root, bind(vf, "vfio-pci"));
    expect([b.status, b.changed, b.observed]).toEqual(["succeeded", true, { driver: "vfio-pci", override: "vfio-pci" }]);
    expect(actions(b)).toEqual([
      "done read sys/bus/pci/devices/0000:86:00.2/driver and driver_override",
      'done write sys/bus/pci/devices/0000:86:00.2/driver_override = "vfio-pci"',
      'done write sys/bus/pci/drivers/mlx5_core/unbind = "0000:86:00.2"',
      'done write sys/bus/pci/drivers_probe = "0000:86:00.2"',
    ]);
    expect((await run(root, bind(vf, "vfio-pci"))).changed).toBe(false);
    let d = (await scanHost(root)).devices.find((x) => x.address === vf)!;
    expect([d.driver, d.driverOverride, d.netInterfaces]).toEqual(["vfio-pci", "vfio-pci", []]);
    const back = await run(root, bind(vf, "host"));
    expect([back.status, back.changed, back.observed]).toEqual(["succeeded", true, { driver: "mlx5_core", override: null }]);
    expect((await run(root, bind(vf, "host"))).changed).toBe(false);
    d = (await scanHost(root)).devices.find((x) => x.address === vf)!;
    expect([d.driver, d.driverOverride, d.netInterfaces]).toEqual(["mlx5_core", null, ["enp134s0f0v0"]]);
  });

  it("refuses to unbind a PF that has VFs (it would destroy them)", async () => {
    const root = await simTree("dgx2", 0);
    await run(root, setCount(PF, 2));
    const r = await run(root, bind(PF, "vfio-pci"));
    expect([r.error!.code, r.error!.message]).toEqual(["pf-has-vfs", `${PF} is an SR-IOV PF with 2 VFs`]);
  });

  it("reports a device left without a driver when vfio-pci never takes it (silent probe)", async () => {
    const root = await simTree("dgx2", 0);
    await run(root, setCount(PF, 1));
    await setFaults(root, { silentNoop: ["drivers_probe"] });
    const r = await run(root, bind("0000:86:00.2", "vfio-pci"));
    expect([r.status, r.error!.code, r.changed]).toEqual(["failed", "not-bound", true]);
    expect(r.error!.explanation).toContain("without a driver, with driver_override=vfio-pci");
    await setFaults(root, {});
    const retry = await run(root, bind("0000:86:00.2", "vfio-pci"));
    expect(actions(retry).filter((a) => a.startsWith("done write"))).toEqual(['done write sys/bus/pci/drivers_probe = "0000:86:00.2"']);
  });
});

describe("vf.configure", () => {
  it("sets only what differs through ip, reads it back, and the scan shows it", async () => {
    const root = await simTree("dgx2", 0);
    await run(root, setCount(PF, 2));
    const job = {
      kind: "vf.configure",
      params: { pf: PF, vf: 1, mac: "52:54:00:12:34:56", vlan: 42, qos: 3, trust: true, spoofchk: false, linkState: "enable" },
    };
    const r = await run(root, job);
    expect([r.status, r.changed]).toEqual(["succeeded", true]);
    expect(actions(r)).toContain(
      "done ip link set dev enp134s0f0 vf 1 mac 52:54:00:12:34:56 vlan 42 qos 3 spoofchk off trust on state enable",
    );
    expect((await run(root, job)).changed).toBe(false);
    const trustOnly = await run(root, { kind: "vf.configure", params: { pf: PF, vf: 1, trust: false } });
    expect(actions(trustOnly)).toContain("done ip link set dev enp134s0f0 vf 1 trust off");
    const cfg = (await scanHost(root)).devices.find((d) => d.address === PF)!.sriov!.vfConfigs[1];
    expect(cfg).toEqual({ index: 1, mac: "52:54:00:12:34:56", vlan: 42, qos: 3, spoofchk: false, trust: false, linkState: "enable" });
    const missing = await run(root, { kind: "vf.configure", params: { pf: PF, vf: 5, trust: true } });
    expect([missing.error!.code, missing.error!.message]).toEqual(["EINVAL", `params.vf 5: ${PF} has 2 VFs`]);
  });
});

describe("vf.configure on igb, where the kernel applies part of a change", () => {
  it("reports changed with what the VF reads when the driver refuses a later setting (igb: no link state)", async () => {
    const root = await simTree("intel-82576", 0);
    await run(root, setCount("0000:03:00.0", 2));
    const r = await run(root, {
      kind: "vf.configure",
      params: { pf: "0000:03:00.0", vf: 0, mac: "52:54:00:aa:00:01", vlan: 100, spoofchk: false, trust: true, linkState: "enable" },
    });
    expect([r.status, r.changed]).toEqual(["failed", true]);
    expect(r.error!.message).toContain(
      "ip link set dev enp3s0f0 vf 0 mac 52:54:00:aa:00:01 vlan 100 spoofchk off trust on state enable: RTNETLINK answers: Operation not supported",
    );
    expect(r.observed).toMatchObject({ vf: { mac: "52:54:00:aa:00:01", vlan: 100, spoofchk: false, trust: false, linkState: "auto" } });
    expect(r.error!.explanation).toContain("The kernel applied part of it before refusing");
  });
});

describe("host.persist", () => {
  it("writes sysfs.d and modprobe.d files once; readPersistence reads them back", async () => {
    const root = await simTree("dgx2", 0);
    const job = {
      kind: "host.persist",
      params: {
        vfCounts: [
          { pf: "enp134s0f0", count: 16 },
          { pf: "enp134s0f1", count: 16 },
        ],
        vfioIds: ["15b3:1018"],
      },
    };
    const r = await run(root, job);
    expect([r.status, r.changed]).toEqual(["succeeded", true]);
    expect((await run(root, job)).changed).toBe(false);
    const p = await readPersistence(root);
    expect(p.vfCounts.map((c) => [c.interface, c.numVfs])).toEqual([
      ["enp134s0f0", 16],
      ["enp134s0f1", 16],
    ]);
    expect(p.vfioPciIds.flatMap((v) => v.ids)).toEqual(["15b3:1018"]);
    const udev = await run(root, { ...job, params: { ...job.params, method: "udev" } });
    expect(actions(udev)).toEqual(
      expect.arrayContaining(["done remove etc/sysfs.d/vfleet-sriov.conf", "done write etc/udev/rules.d/81-vfleet-sriov.rules"]),
    );
    const p2 = await readPersistence(root);
    expect(p2.vfCounts.map((c) => [c.source, c.interface, c.numVfs])).toEqual([
      ["/etc/udev/rules.d/81-vfleet-sriov.rules:2", "enp134s0f0", 16],
      ["/etc/udev/rules.d/81-vfleet-sriov.rules:3", "enp134s0f1", 16],
    ]);
    const over = await run(root, { kind: "host.persist", params: { vfCounts: [{ pf: "enp134s0f0", count: 17 }], vfioIds: [] } });
    expect(over.error!.message).toBe("params.vfCounts[0].count 17 is above sriov_totalvfs 16 of enp134s0f0");
  });
});

describe("bad input is refused by the agent too, naming the field", () => {
  const cases: Array<[string, unknown, string]> = [
    ["negative count", setCount(PF, -1), "params.count: must be 0 or more"],
    ["non-integer count", setCount(PF, 1.5), "params.count: must be an integer"],
    ["count above the schema's limit", setCount(PF, 5000), "params.count: must be at most 2048"],
    ["path in a BDF", setCount("../x", 1), "params.pf: must be a PCI address like 0000:86:00.2"],
    ["slash in a BDF", bind("a/b", "vfio-pci"), "params.device: must be a PCI address like 0000:86:00.2"],
    [
      "multicast MAC",
      { kind: "vf.configure", params: { pf: PF, vf: 0, mac: "01:00:5e:00:00:01" } },
      "params.mac: must be a unicast MAC (the first octet's low bit is the multicast bit)",
    ],
    ["all-zero MAC", { kind: "vf.configure", params: { pf: PF, vf: 0, mac: "00:00:00:00:00:00" } }, "params.mac: must not be all zeros"],
    ["VLAN 4095", { kind: "vf.configure", params: { pf: PF, vf: 0, vlan: 4095 } }, "params.vlan: must be at most 4094 (4095 is reserved)"],
    [
      "XML in a guest name",
      { kind: "guest.attach", params: { guest: "g'/><devices>", devices: [{ address: "0000:86:00.2" }] } },
      "params.guest: must be 1-64 characters of A-Z a-z 0-9 _ . + -",
    ],
    ["unknown kind", { kind: "vf.destroy", params: {} }, "kind"],
  ];
  it.each(cases)("%s", async (_, job, message) => {
    const r = await executeJob(job, { io: createSimulatedHostIO("/nonexistent"), policy: SIMULATOR_POLICY });
    expect(r.status).toBe("failed");
    expect(r.error!.code).toBe("bad-input");
    expect(r.error!.message.startsWith(message)).toBe(true);
    expect(r.steps).toEqual([]);
  });
});

it("keeps the simulator's state in the tree, where other processes find it", async () => {
  const root = await simTree("intel-82576", 0);
  await run(root, setCount("0000:03:00.1", 3));
  expect((await loadHostState(root)).functions.get("0000:03:00.1")!.sriov!.numVfs).toBe(3);
  expect(await readFile(path.join(root, STATE_FILE), "utf8")).toContain('"numVfs":3');
});
