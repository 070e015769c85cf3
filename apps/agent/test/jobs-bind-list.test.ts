import type { JobResult } from "@vfleet/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { AgentPolicy, executeJob, SIMULATOR_POLICY } from "../src/jobs/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, setFaults, simTree } from "./jobs-sim-tree.ts";

/**
 * device.bind with a list (protocol 1.6): a PF's VFs in one job, checked whole before the first
 * write, level-triggered like the single form; and every result says where its time went.
 */
afterEach(removeTrees);

const PF = "0000:86:00.0";
const run = (root: string, job: unknown, policy = SIMULATOR_POLICY) => executeJob(job, { io: createSimulatedHostIO(root), policy });
const bindList = (devices: string[], driver: "vfio-pci" | "host") => ({ kind: "device.bind", params: { devices, driver } });
const drivers = async (root: string, bdfs: string[]) => {
  const inv = await scanHost(root);
  return bdfs.map((b) => inv.devices.find((d) => d.address === b)?.driver ?? null);
};
/** Sysfs writes the steps record (a list's step holds a device's writes, comma-separated). */
const writes = (r: JobResult) =>
  r.steps.filter((s) => s.status === "done" && s.action.startsWith("write")).reduce((n, s) => n + s.action.split(", ").length, 0);

describe("device.bind of a list", () => {
  it("binds a PF's VFs in one job, then gives them back; a second run writes nothing", async () => {
    const root = await simTree("dgx2", 0);
    const vfs = (await run(root, { kind: "vf.set-count", params: { pf: PF, count: 4 } })).observed.vfs as string[];
    const r = await run(root, bindList(vfs, "vfio-pci"));
    expect([r.status, r.changed, writes(r)]).toEqual(["succeeded", true, 12]);
    expect(r.steps[0]).toEqual({
      action: "read driver and driver_override of 4 devices",
      status: "done",
      detail: vfs.map((v) => `${v}: driver mlx5_core, driver_override (null)`).join("\n"),
    });
    expect(r.steps[1]!.action).toBe(
      `write sys/bus/pci/devices/${vfs[0]}/driver_override = "vfio-pci", sys/bus/pci/drivers/mlx5_core/unbind = "${vfs[0]}", sys/bus/pci/drivers_probe = "${vfs[0]}"`,
    );
    expect(r.steps).toHaveLength(1 + 4);
    expect(r.observed).toEqual({ devices: Object.fromEntries(vfs.map((v) => [v, { driver: "vfio-pci", override: "vfio-pci" }])) });
    expect(await drivers(root, vfs)).toEqual(Array(4).fill("vfio-pci"));
    const again = await run(root, bindList(vfs, "vfio-pci"));
    expect([again.status, again.changed, writes(again)]).toEqual(["succeeded", false, 0]);

    const back = await run(root, bindList(vfs, "host"));
    expect([back.status, back.changed]).toEqual(["succeeded", true]);
    expect(await drivers(root, vfs)).toEqual(Array(4).fill("mlx5_core"));
    expect((await run(root, bindList(vfs, "host"))).changed).toBe(false);
  });

  it("finishes a list cut off half way: only the devices not yet bound are written", async () => {
    const root = await simTree("dgx2", 0);
    const vfs = (await run(root, { kind: "vf.set-count", params: { pf: PF, count: 3 } })).observed.vfs as string[];
    await run(root, { kind: "device.bind", params: { device: vfs[0], driver: "vfio-pci" } });
    const r = await run(root, bindList(vfs, "vfio-pci"));
    expect([r.status, r.changed, writes(r)]).toEqual(["succeeded", true, 6]);
    expect(r.steps.some((s) => s.action.includes(vfs[0]!) && s.action.startsWith("write"))).toBe(false);
  });

  it("a write failing mid-list records the writes done before it, and says the host changed", async () => {
    const root = await simTree("dgx2", 0);
    const vfs = (await run(root, { kind: "vf.set-count", params: { pf: PF, count: 2 } })).observed.vfs as string[];
    await setFaults(root, { silentNoop: ["drivers_probe"] });
    const r = await run(root, bindList(vfs, "vfio-pci"));
    expect([r.status, r.changed, r.error!.code]).toEqual(["failed", true, "not-bound"]);
    expect(r.steps.map((s) => s.status)).toEqual(["done", "done"]);
    expect(r.steps[1]!.action).toContain(`sys/bus/pci/drivers_probe = "${vfs[0]}"`);
    await setFaults(root, {});
    const retry = await run(root, bindList(vfs, "vfio-pci"));
    expect([retry.status, await drivers(root, vfs)]).toEqual(["succeeded", ["vfio-pci", "vfio-pci"]]);
  });

  it("refuses the whole list, writing nothing, when one device may not change", async () => {
    const root = await simTree("dgx2", 0);
    const vfs = (await run(root, { kind: "vf.set-count", params: { pf: PF, count: 3 } })).observed.vfs as string[];
    const vf2 = (await scanHost(root)).devices.find((d) => d.address === vfs[2])!;
    // The last VF's netdev carries the management address: the first two must not move either.
    const policy = AgentPolicy.parse({ adopt: "all-sriov", protectInterfaces: vf2.netInterfaces });
    const r = await run(root, bindList(vfs, "vfio-pci"), policy);
    expect([r.status, r.changed, r.error!.code, writes(r)]).toEqual(["failed", false, "unsafe-device", 0]);
    expect(r.error!.message).toBe(
      `refused to unbind ${vfs[2]}: its interface ${vf2.netInterfaces[0]} carries the management address or the agent's connection (protectInterfaces)`,
    );
    expect(await drivers(root, vfs)).toEqual(Array(3).fill("mlx5_core"));

    const missing = await run(root, bindList([vfs[0]!, "0000:86:07.7"], "vfio-pci"));
    expect([missing.error!.code, missing.error!.message, writes(missing)]).toEqual(["ENODEV", "no PCI device 0000:86:07.7", 0]);
    const withPf = await run(root, bindList([vfs[0]!, PF], "vfio-pci"));
    expect([withPf.error!.code, writes(withPf)]).toEqual(["pf-has-vfs", 0]);
    const notAdopted = await run(root, bindList(vfs, "vfio-pci"), AgentPolicy.parse({ adopt: ["0000:86:00.1"] }));
    expect([notAdopted.error!.code, writes(notAdopted)]).toEqual(["not-adopted", 0]);
    expect(await drivers(root, vfs)).toEqual(Array(3).fill("mlx5_core"));
  });

  it("refuses a list naming a device twice, or both forms, naming the field", async () => {
    const root = await simTree("dgx2", 0);
    const twice = await run(root, bindList(["0000:86:00.2", "0000:86:00.2"], "vfio-pci"));
    expect([twice.error!.code, twice.error!.message]).toEqual([
      "bad-input",
      "params.devices.1: repeats 0000:86:00.2: a device is bound once",
    ]);
    const both = await run(root, {
      kind: "device.bind",
      params: { device: "0000:86:00.2", devices: ["0000:86:00.3"], driver: "vfio-pci" },
    });
    expect(both.error!.message).toBe("params.device: give exactly one of device (one address) or devices (a list)");
    const group = await run(root, { kind: "device.bind", params: { devices: ["0000:86:00.2"], driver: "vfio-pci", group: true } });
    expect(group.error!.message).toBe("params.group: only with device: a list binds each device it names");
  });
});

describe("job timing", () => {
  it("splits each job's wall time into the host's own work and the agent's overhead", async () => {
    const root = await simTree("dgx2", 0);
    const set = await run(root, { kind: "vf.set-count", params: { pf: PF, count: 2 } });
    const bind = await run(root, bindList(set.observed.vfs as string[], "vfio-pci"));
    const refused = await run(root, { kind: "device.bind", params: { device: PF, driver: "vfio-pci" } });
    for (const r of [set, bind, refused]) {
      const t = r.timing!;
      expect(t.wallMs).toBeCloseTo(t.hostMs + t.overheadMs, 0);
      expect(t.overheadMs).toBeGreaterThanOrEqual(0);
    }
    // The writes went through the simulator's kernel model: host time. A refusal writes nothing.
    expect(set.timing!.hostMs).toBeGreaterThan(0);
    expect(bind.timing!.hostMs).toBeGreaterThan(0);
    expect(refused.timing!.hostMs).toBe(0);
  });
});
