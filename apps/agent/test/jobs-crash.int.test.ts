import type { ChildProcess } from "node:child_process";
import { buildGuestDomainXml, parseDomainXml } from "@vfleet/core";
import { JobResult } from "@vfleet/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { SIMULATOR_POLICY, executeJob } from "../src/jobs/index.ts";
import { assertLibvirtReachable, createVirsh } from "../src/libvirt/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { runJobCli, spawnJobCli } from "./jobs-run-cli.ts";
import { loadHostState, withHostStateLock } from "@vfleet/simulator";
import { removeTrees, setFaults, simTree } from "./jobs-sim-tree.ts";

/**
 * The agent process killed mid-job (kill -9, as an OOM kill or a power cut of the agent would
 * do), then the same job run again: it must end in one terminal state with the host whole.
 * The kill point is held open with the simulator's hang fault, so the test kills exactly
 * between two steps instead of racing the agent.
 */
const virsh = createVirsh();
const guests: string[] = [];
const PF = "0000:86:00.0";

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
});
afterAll(async () => {
  for (const g of guests) await virsh.undefineDomain(g, { ifExists: true });
  await removeTrees();
});

async function waitFor(what: string, check: () => Promise<boolean>, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (child.exitCode !== null) throw new Error(`the agent exited (${child.exitCode}) before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

describe("agent killed mid-job, then the job re-run", () => {
  it("between unbind and drivers_probe: the re-run only probes, the VF ends on vfio-pci", async () => {
    const root = await simTree("dgx2", 0);
    const io = createSimulatedHostIO(root);
    expect((await executeJob({ kind: "vf.set-count", params: { pf: PF, count: 2 } }, { io, policy: SIMULATOR_POLICY })).status).toBe(
      "succeeded",
    );
    const vf = "0000:86:00.3";
    await setFaults(root, { hangOn: ["sys/bus/pci/drivers_probe"] });
    const job = JSON.stringify({ kind: "device.bind", params: { device: vf, driver: "vfio-pci" } });
    const child = spawnJobCli(["--root", root, "--simulated", "--timeout-ms", "120000", "--json", job]);
    // Under the simulator's state lock no write or re-render is in flight: once the model shows the
    // VF unbound, killing the agent while we hold the lock stops it exactly between unbind and probe.
    await waitFor(
      "the unbind",
      () =>
        withHostStateLock(root, async () => {
          if ((await loadHostState(root)).functions.get(vf)?.driver !== null) return false;
          await kill9(child);
          return true;
        }),
      child,
    );

    let d = (await scanHost(root)).devices.find((x) => x.address === vf)!;
    expect([d.driver, d.driverOverride]).toEqual([null, "vfio-pci"]); // the state the dead agent left

    await setFaults(root, {});
    const rerun = await runJobCli(["--root", root, "--simulated", "--json", job]);
    expect(rerun.code).toBe(0);
    const result = JobResult.parse(JSON.parse(rerun.stdout));
    expect(result.steps.filter((s) => s.status === "done" && s.action.startsWith("write")).map((s) => s.action)).toEqual([
      `write sys/bus/pci/drivers_probe = "${vf}"`,
    ]);
    d = (await scanHost(root)).devices.find((x) => x.address === vf)!;
    expect(d.driver).toBe("vfio-pci");
    // No function of the PF is left without a driver.
    expect((await scanHost(root)).devices.filter((x) => x.physfn === PF || x.address === PF).map((x) => x.driver)).toEqual([
      "mlx5_core",
      "mlx5_core",
      "vfio-pci",
    ]);
  }, 120_000);

  it("after attach, before reporting: the re-run finds every device attached once and reports success", async () => {
    const root = await simTree("dgx2", 0);
    const io = createSimulatedHostIO(root);
    const set = await executeJob({ kind: "vf.set-count", params: { pf: PF, count: 4 } }, { io, policy: SIMULATOR_POLICY });
    const vfs = set.observed.vfs as string[];
    const guest = `vfleet-crash-${process.pid}-${Date.now().toString(36)}`;
    guests.push(guest);
    await virsh.defineDomain(buildGuestDomainXml({ name: guest, vcpus: 4, memoryMiB: 1024, machine: "q35" }));
    await setFaults(root, { hangOn: [`libvirt-sync ${guest}`] });
    const job = JSON.stringify({ kind: "guest.attach", params: { guest, devices: vfs.map((address) => ({ address })) } });
    const child = spawnJobCli(["--root", root, "--simulated", "--timeout-ms", "120000", "--json", job]);
    const hostdevs = async () => parseDomainXml(await virsh.dumpXml(guest, { inactive: true })).hostdevs.map((h) => h.address);
    await waitFor("the attach", async () => (await hostdevs()).length === 4, child);
    await new Promise((r) => setTimeout(r, 200)); // the agent is now blocked in the step after the attach
    expect(child.exitCode).toBeNull();
    await kill9(child);
    // The host's copy of the definition is behind: the dead agent never wrote it.
    expect((await scanHost(root)).guests.find((g) => g.name === guest)).toBeUndefined();

    await setFaults(root, {});
    const rerun = await runJobCli(["--root", root, "--simulated", "--json", job]);
    expect(rerun.code).toBe(0);
    const result = JobResult.parse(JSON.parse(rerun.stdout));
    expect([result.status, result.changed]).toEqual(["succeeded", false]);
    expect((await hostdevs()).sort()).toEqual([...vfs].sort()); // exactly one hostdev per device
    expect((await scanHost(root)).guests.find((g) => g.name === guest)!.hostdevs).toHaveLength(4);
  }, 120_000);
});
