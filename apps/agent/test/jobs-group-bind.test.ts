import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { executeJob, parsePolicy } from "../src/jobs/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";

afterEach(removeTrees);

/** Seed 004: the GTX 750 (01:00.0) shares IOMMU group 1 with its HDMI audio (01:00.1) and the root port 00:01.0. */
const GPU = "0000:01:00.0";
const AUDIO = "0000:01:00.1";
const ROOT_PORT = "0000:00:01.0";
const policy = parsePolicy({ adopt: [GPU, AUDIO] });
const run = (root: string, job: unknown) => executeJob(job, { io: createSimulatedHostIO(root), policy });
const drivers = async (root: string) =>
  Object.fromEntries(
    (await scanHost(root)).devices.filter((d) => [GPU, AUDIO, ROOT_PORT].includes(d.address)).map((d) => [d.address, d.driver]),
  );

describe("device.bind of a shared IOMMU group (seed 004)", () => {
  it("refuses part of the group naming the other member, then binds the whole group with group: true", async () => {
    const root = await simTree("gpu-workstation");
    // The profile's guest holds both functions while it runs: stop it (libvirt removes its live XML),
    // then give both back to the host, as before the blog's vfio-pci setup.
    await rm(join(root, "run/libvirt/qemu/win-gtx750.xml"));
    for (const d of [AUDIO, GPU])
      expect((await run(root, { kind: "device.bind", params: { device: d, driver: "host" } })).status).toBe("succeeded");
    const hostDrivers = await drivers(root);
    expect(hostDrivers[GPU]).not.toBe("vfio-pci");
    expect(hostDrivers[AUDIO]).not.toBe("vfio-pci");

    const part = await run(root, { kind: "device.bind", params: { device: GPU, driver: "vfio-pci" } });
    expect(part.status).toBe("failed");
    expect(part.error!.code).toBe("partial-iommu-group");
    expect(part.error!.message).toContain(AUDIO);
    expect(part.error!.explanation).toContain("group: true");
    expect(await drivers(root)).toEqual(hostDrivers);

    const whole = await run(root, { kind: "device.bind", params: { device: GPU, driver: "vfio-pci", group: true } });
    expect([whole.status, whole.changed]).toEqual(["succeeded", true]);
    const after = await drivers(root);
    expect([after[GPU], after[AUDIO]]).toEqual(["vfio-pci", "vfio-pci"]);
    // The root port is a bridge: it stays on its host driver.
    expect(after[ROOT_PORT]).toBe(hostDrivers[ROOT_PORT]);

    const again = await run(root, { kind: "device.bind", params: { device: AUDIO, driver: "vfio-pci", group: true } });
    expect([again.status, again.changed]).toEqual(["succeeded", false]);
  });
});
