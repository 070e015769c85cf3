import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inventory, JobResult } from "@vfleet/protocol";
import { bundleAgent } from "@vfleet/agent/build";
import type { Fleet } from "@vfleet/simulator/fleet";
import { installAgentOnTesthost, type InstalledTesthost } from "../../../scripts/testhost/install-agent.ts";
import { findTesthost, monitorCommand, sshRun, testhostPowerCycle } from "../../../scripts/testhost/vm.ts";
import { apiClient, previewAndConfirm, waitFor, type Api } from "./jobs-helpers.ts";
import { startSimFleet } from "./start-sim-fleet.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";
import { changes, comparableResults, disagreements, flatten, normalise, project, testMac, type Side } from "./kernel-vs-simulator.ts";

/**
 * The simulator answers to the kernel, through the control plane. One control plane with two
 * hosts: a test hypervisor (Debian's 6.1 kernel in QEMU, two Intel 82576 PFs on the real igb and
 * igbvf drivers, an emulated Intel IOMMU) whose agent was put there by the SSH install API and
 * runs under the guest's systemd, connected over QEMU's user network; and the simulator's 82576
 * (seed 001) with a real agent process. The same jobs are previewed and confirmed (with their
 * basis) through the API on both; each job's result as the API returns it, and the change it made
 * to each host's stored inventory, are compared field by field. Fields allowed to differ, and
 * why, are listed in kernel-vs-simulator.ts; docs/design/simulator-vs-kernel.md says what the
 * kernel showed and what changed in the simulator because of it.
 * One test hypervisor for the file (a boot under TCG takes one to two minutes).
 */
const KERNEL: Side = { pf: "0000:01:00.0", pfIf: "enp1s0", bus: "01" };
const SIM: Side = { pf: "0000:03:00.0", pfIf: "enp3s0f0", bus: "03" };
/** A running test hypervisor of this name is used as it is and left running (for working on this test); otherwise one is booted and stopped. */
const VM = process.env.VFLEET_KERNEL_TEST_VM ?? `kcp-${process.pid}`;
const SIM_HOST = `sim-82576-${process.pid}`;

let stack: TestStack;
let fleet: Fleet;
let kernel: InstalledTesthost;
let bootedHere = false;
let api: Api;
let workDir: string;
const hostIds: { kernel: string; sim: string } = { kernel: "", sim: "" };

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-kernel-cp-"));
  const artifact = join(workDir, "vfleet-agent.mjs");
  await bundleAgent(artifact);
  // The installer waits for the agent's first connection: under TCG Node takes a minute or more to start.
  // Heartbeats as in production: under TCG a full scan in the guest blocks its agent's event loop for
  // seconds (33 s at a load average of 34 here), and a 2 s interval would make it reconnect mid-sequence.
  stack = await startTestStack({
    heartbeatIntervalMs: 15_000,
    offlineAfterMs: 120_000,
    hostInstall: { keyDir: join(workDir, "ssh-key"), artifact, onlineTimeoutMs: 600_000 },
  });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  // The same adoption on both: the first 82576 port alone.
  const policy = join(workDir, "policy.json");
  await writeFile(policy, JSON.stringify({ version: 1, adopt: [SIM.pf] }));
  fleet = await startSimFleet(stack, workDir, [{ name: SIM_HOST, profile: "intel-82576", vfs: 0, agentArgs: ["--policy", policy] }]);
  bootedHere = findTesthost(VM) === null;
  kernel = await installAgentOnTesthost({
    planeUrl: stack.plane.url,
    token: stack.tokens.admin,
    artifact,
    name: VM,
    log: (line) => process.stderr.write(`${line}\n`),
    policy: { adopt: [KERNEL.pf] },
  });
  hostIds.kernel = kernel.hostId;
  hostIds.sim = await waitFor("the simulated 82576 online", async () => {
    const hosts = (await api.get(`/api/v1/hosts?q=${SIM_HOST}`)).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    return hosts.find((h) => h.name === SIM_HOST && h.snapshotAt)?.id;
  });
  // The simulator's 82576 host has vfio-pci loaded (seed 001 passes a VF through); Debian loads it on first use only.
  await sshRun(kernel.testhost, "modprobe vfio-pci");
  await waitFor(
    "the test hypervisor's snapshot with vfio_pci loaded",
    async () => ((await hostView(hostIds.kernel)).inventory.host.modules.includes("vfio_pci") ? true : undefined),
    300_000,
    1000,
  );
}, 1_500_000);

afterAll(async () => {
  if (bootedHere) await kernel?.stop();
  else await kernel?.stopForward();
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

type HostView = { summary: { snapshotAt: string | null; online: boolean }; inventory: Inventory };
const hostView = async (hostId: string) => {
  const r = await api.get<{ host: HostView["summary"]; inventory: Inventory }>(`/api/v1/hosts/${hostId}`);
  return { summary: r.body.host, inventory: r.body.inventory };
};

type ApiJob = { id: string; state: string; result: JobResult | null; error: unknown; steps: unknown[] };
const TERMINAL = new Set(["succeeded", "failed", "cancelled", "abandoned"]);

/**
 * Whether a stored inventory already shows what a finished job observed: the snapshot that follows
 * a job is sent once the agent rescans, and only then is it the "after" state.
 */
function shows(inv: Inventory, side: Side, job: { kind: string; params: Record<string, unknown> }, result: JobResult): boolean {
  const o = result.observed as Record<string, unknown>;
  const pf = inv.devices.find((d) => d.address === side.pf);
  // Settled: a scan can run while udev is still renaming a VF's new netdev (the device already
  // names it, the interface list does not have it yet); the agent's next look reports it whole.
  const listed = new Set(inv.interfaces.map((i) => i.name));
  const vfs = (pf?.sriov?.vfs ?? []).map((a) => inv.devices.find((d) => d.address === a));
  if (!vfs.every((vf) => vf?.netInterfaces.every((n) => listed.has(n)))) return false;
  if (job.kind === "vf.set-count") return pf?.sriov?.numVfs === o.numVfs;
  if (job.kind === "device.bind") {
    const want = (o.members ?? { [job.params.device as string]: o }) as Record<string, { driver: string | null }>;
    return Object.entries(want).every(([a, s]) => inv.devices.find((d) => d.address === a)?.driver === s.driver);
  }
  if (job.kind === "vf.configure") {
    const vf = o.vf as { index: number } & Record<string, unknown>;
    const have = pf?.sriov?.vfConfigs.find((c) => c.index === vf.index) as Record<string, unknown> | undefined;
    return !!have && Object.entries(vf).every(([k, v]) => have[k] === v);
  }
  return true;
}

/** Preview and confirm one job through the API, wait for its end and for the snapshot after it. */
async function runThroughApi(hostId: string, side: Side, job: { kind: string; params: Record<string, unknown> }) {
  const before = await hostView(hostId);
  const queued = await previewAndConfirm<{ job?: ApiJob; error?: string; field?: string }>(api, "/api/v1/jobs", { hostId, job });
  if (queued.status !== 201) return { refused: { status: queued.status, body: queued.body }, result: null, before, after: before };
  const done = await waitFor(
    `job ${job.kind} ${JSON.stringify(job.params)} to finish`,
    async () => {
      const j = (await api.get<{ job: ApiJob }>(`/api/v1/jobs/${queued.body.job!.id}`)).body.job;
      return TERMINAL.has(j.state) ? j : undefined;
    },
    600_000,
    500,
  );
  const after = done.result?.changed
    ? await waitFor(
        "the snapshot after the job",
        async () => {
          const v = await hostView(hostId);
          return v.summary.snapshotAt !== before.summary.snapshotAt && shows(v.inventory, side, job, done.result!) ? v : undefined;
        },
        300_000,
        500,
      )
    : await hostView(hostId);
  return { refused: null, state: done.state, result: done.result, before, after };
}

describe("the simulator's 82576 answers like the kernel's, through the control plane", () => {
  it("reports a real kernel for the test hypervisor and a simulated one for the simulator", async () => {
    expect((await hostView(hostIds.kernel)).inventory.host.simulated).toBe(false);
    expect((await hostView(hostIds.sim)).inventory.host.simulated).toBe(true);
    const hosts = (await api.get("/api/v1/hosts")).body.hosts as { name: string; simulated: boolean | null }[];
    expect(Object.fromEntries(hosts.map((h) => [h.name, h.simulated]))).toEqual({ [VM]: false, [SIM_HOST]: true });
  });

  it("gives the same job results and the same inventory changes for set-count, configure, bind to vfio-pci and back, and a group bind", async () => {
    const sequence = (s: Side) => {
      const vf = (n: number) => `0000:${s.bus}:10.${n}`;
      return [
        { kind: "vf.set-count", params: { pf: s.pf, count: 3 } },
        { kind: "vf.set-count", params: { pf: s.pf, count: 8 } },
        { kind: "vf.set-count", params: { pf: s.pf, count: 7 } },
        { kind: "vf.set-count", params: { pf: s.pf, count: 2 } },
        { kind: "vf.configure", params: { pf: s.pf, vf: 0, mac: testMac(s, "01"), vlan: 4094, spoofchk: false } },
        { kind: "vf.configure", params: { pf: s.pf, vf: 0, trust: true, linkState: "disable" } },
        { kind: "vf.configure", params: { pf: s.pf, vf: 1, mac: testMac(s, "02"), qos: 0, vlan: 0 } },
        { kind: "device.bind", params: { device: vf(0), driver: "vfio-pci" } },
        { kind: "device.bind", params: { device: vf(0), driver: "host" } },
        { kind: "device.bind", params: { device: vf(2), driver: "vfio-pci", group: true } },
        { kind: "device.bind", params: { device: vf(2), driver: "host", group: true } },
        { kind: "vf.set-count", params: { pf: s.pf, count: 0 } },
      ];
    };
    const k = sequence(KERNEL);
    const s = sequence(SIM);
    const differences: string[] = [];
    const log: string[] = [];
    for (let i = 0; i < k.length; i++) {
      const [kr, sr] = await Promise.all([runThroughApi(hostIds.kernel, KERNEL, k[i]!), runThroughApi(hostIds.sim, SIM, s[i]!)]);
      const label = `job ${i} ${k[i]!.kind} ${JSON.stringify(normaliseParams(k[i]!.params))}`;
      log.push(
        `${label}: kernel ${kr.refused ? `refused ${kr.refused.status}` : `${kr.state}`}, simulator ${sr.refused ? `refused ${sr.refused.status}` : `${sr.state}`}`,
      );
      const [kn, sn] = comparableResults(kr.result, sr.result, KERNEL, SIM);
      const found = [
        ...disagreements(flatten(normalise({ refused: kr.refused }, KERNEL)), flatten(normalise({ refused: sr.refused }, SIM))),
        ...disagreements(
          flatten({ state: kr.refused ? null : kr.state, result: kn }),
          flatten({ state: sr.refused ? null : sr.state, result: sn }),
        ),
        ...disagreements(
          changes(project(kr.before.inventory, KERNEL), project(kr.after.inventory, KERNEL)),
          changes(project(sr.before.inventory, SIM), project(sr.after.inventory, SIM)),
          "inventory change ",
        ),
      ];
      if (found.length > 0) differences.push(`${label}\n  ${found.join("\n  ")}`);
    }
    process.stderr.write(`${log.join("\n")}\n`);
    expect(differences).toEqual([]);
  }, 1_800_000);
});

function normaliseParams(p: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(p).replaceAll(KERNEL.pf, "<PF>").replaceAll("0000:01:", "0000:<bus>:")) as Record<string, unknown>;
}

type Check = { id: string; status: string; evidence: string[] };
const audit = async (hostId: string) => {
  const r = await api.get<{ checks: Check[] }>(`/api/v1/audit/hosts/${hostId}`);
  expect(r.status).toBe(200);
  return (id: string) => {
    const c = r.body.checks.find((x) => x.id === id);
    if (!c) throw new Error(`the audit has no check ${id}`);
    return c;
  };
};

describe("the host audit on a real kernel's evidence", () => {
  it("IOMMU on, interrupt remapping in use, vfio modules loaded: each verdict is what the kernel shows", async () => {
    const sh = (cmd: string) => sshRun(kernel.testhost, cmd);
    // What the kernel itself says, read directly.
    const groups = Number((await sh("ls /sys/kernel/iommu_groups | wc -l")).trim());
    const dmesg = await sh("dmesg");
    const irChips = Number((await sh("grep -c ' IR-' /proc/interrupts || true")).trim());
    const cmdline = await sh("cat /proc/cmdline");
    const unsafe = (await sh("cat /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts")).trim();
    expect([groups > 0, dmesg.includes("DMAR: IOMMU enabled"), cmdline.includes("intel_iommu=on")]).toEqual([true, true, true]);
    expect([irChips > 0, dmesg.includes("Enabled IRQ remapping"), unsafe]).toEqual([true, true, "N"]);
    for (const m of ["vfio", "vfio_iommu_type1", "vfio_pci"]) await sh(`test -d /sys/module/${m}`);

    const check = await audit(hostIds.kernel);
    expect(check("iommu.groups").status).toBe("pass");
    expect(check("iommu.groups").evidence.join("\n")).toContain(String(groups));
    expect(check("kernel.iommu-enable").status).toBe("pass");
    expect(check("kernel.interrupt-remapping").status).toBe("pass");
    expect(check("kernel.interrupt-remapping").evidence.join("\n")).toMatch(/IR-/);
    expect(check("modules.vfio").status).toBe("pass");
    expect(check("modules.vfio").evidence).toEqual(expect.arrayContaining(["/sys/module/vfio_pci: loaded"]));
  }, 600_000);

  it("VF counts persist: fails with VFs nothing sets at boot, passes once host.persist (udev) wrote the rule, and the rule is on the host", async () => {
    const pf = KERNEL.pf;
    const created = await runThroughApi(hostIds.kernel, KERNEL, { kind: "vf.set-count", params: { pf, count: 2 } });
    expect(created.state).toBe("succeeded");
    const rules = await sshRun(
      kernel.testhost,
      "cat /etc/sysfs.d/*.conf /etc/udev/rules.d/*.rules 2>/dev/null | grep -c sriov_numvfs || true",
    );
    expect(rules.trim()).toBe("0");
    const before = (await audit(hostIds.kernel))("persistence.vf-count");
    expect(before.status).toBe("fail");
    expect(before.evidence.join("\n")).toContain(`${pf} (${KERNEL.pfIf}): 2 VFs now, nothing sets them at boot`);

    const persisted = await previewAndConfirm<{ job: ApiJob }>(api, "/api/v1/jobs", {
      hostId: hostIds.kernel,
      job: { kind: "host.persist", params: { vfCounts: [{ pf: KERNEL.pfIf, count: 2 }], vfioIds: [], method: "udev" } },
    });
    expect(persisted.status).toBe(201);
    const done = await waitFor(
      "host.persist to finish",
      async () => {
        const j = (await api.get<{ job: ApiJob }>(`/api/v1/jobs/${persisted.body.job.id}`)).body.job;
        return TERMINAL.has(j.state) ? j : undefined;
      },
      600_000,
      500,
    );
    expect([done.state, done.result?.changed]).toEqual(["succeeded", true]);
    expect(await sshRun(kernel.testhost, "cat /etc/udev/rules.d/81-vfleet-sriov.rules")).toMatch(
      new RegExp(`NAME=="${KERNEL.pfIf}".*sriov_numvfs.*"2"`),
    );
    const after = await waitFor(
      "the audit to see the rule",
      async () => {
        const c = (await audit(hostIds.kernel))("persistence.vf-count");
        return c.status === "fail" ? undefined : c;
      },
      300_000,
      1000,
    );
    expect(after.status).toBe("pass");
    expect(after.evidence.join("\n")).toContain("81-vfleet-sriov.rules");
  }, 900_000);
});

describe("a VF in a libvirt guest on the test hypervisor's own libvirtd", () => {
  // Unique to this run: the test hypervisor may be one left running for working on this file.
  const guest = `vfleet-kcp-${process.pid}`;
  const vf = "0000:01:10.0";
  const sh = (cmd: string, timeoutMs?: number) => sshRun(kernel.testhost, cmd, timeoutMs ? { timeoutMs } : {});
  const stored = async () => (await hostView(hostIds.kernel)).inventory.guests.find((g) => g.name === guest);
  const defined = async () => (await sh("virsh -c qemu:///system list --all --name")).split("\n").includes(guest);
  /** `<hostdev>` source addresses in the persistent definition, as libvirt itself wrote them. */
  const hostdevSources = async () =>
    [
      ...(await sh(`virsh -c qemu:///system dumpxml --inactive ${guest}`)).matchAll(
        /<hostdev[^>]*>\s*(?:<driver[^>]*\/>\s*)?<source>\s*<address ([^/]*)\/>/g,
      ),
    ].map((m) => m[1]!.trim());

  afterAll(async () => {
    // Whatever a failed run left: the guest off and gone, the VF back on igbvf for the tests after this one.
    await sh(
      `virsh -c qemu:///system destroy ${guest} 2>/dev/null; virsh -c qemu:///system undefine ${guest} 2>/dev/null; ` +
        `if [ -e /sys/bus/pci/devices/${vf} ]; then echo > /sys/bus/pci/devices/${vf}/driver_override; ` +
        `test -e /sys/bus/pci/devices/${vf}/driver || echo ${vf} > /sys/bus/pci/drivers_probe; fi; true`,
    ).catch(() => undefined);
  });

  it("guest.define, guest.attach of a vfio-pci VF (read back from virsh dumpxml and the stored inventory), a start under the real QEMU, then guest.detach and guest.undefine free it", async () => {
    const pf = KERNEL.pf;
    expect((await runThroughApi(hostIds.kernel, KERNEL, { kind: "vf.set-count", params: { pf, count: 2 } })).state).toBe("succeeded");
    expect((await runThroughApi(hostIds.kernel, KERNEL, { kind: "device.bind", params: { device: vf, driver: "vfio-pci" } })).state).toBe(
      "succeeded",
    );
    // libvirtd answers in the test hypervisor (socket-activated under its systemd), and the agent reaches it.
    expect(await sh("virsh -c qemu:///system version")).toMatch(/Running hypervisor: QEMU/);
    await waitFor(
      "the agent reaching the guest's libvirtd",
      async () => ((await hostView(hostIds.kernel)).inventory.host.libvirt?.reachable ? true : undefined),
      300_000,
      1000,
    );

    const define = await runThroughApi(hostIds.kernel, KERNEL, { kind: "guest.define", params: { name: guest, vcpus: 1, memoryMiB: 64 } });
    expect([define.state, define.result?.changed]).toEqual(["succeeded", true]);
    expect(await defined()).toBe(true);
    const attach = await runThroughApi(hostIds.kernel, KERNEL, {
      kind: "guest.attach",
      params: { guest, devices: [{ address: vf }], config: true, live: false },
    });
    expect([attach.state, attach.result?.changed]).toEqual(["succeeded", true]);
    expect(await hostdevSources()).toEqual(["domain='0x0000' bus='0x01' slot='0x10' function='0x0'"]);
    const holding = await waitFor(
      "the stored inventory showing the guest holding the VF",
      async () => {
        const g = await stored();
        return g?.hostdevs.some((h) => h.address === vf) ? g : undefined;
      },
      300_000,
      1000,
    );
    expect([holding.state, holding.vcpus, holding.memoryKiB, holding.hostdevs]).toEqual([
      "shut off",
      1,
      64 * 1024,
      [{ kind: "hostdev", address: vf, managed: true, mac: null, vlan: null }],
    ]);

    // Started by hand (vfleet defines guests, it does not run them): QEMU opens the VF through vfio.
    const started = Date.now();
    await sh(`virsh -c qemu:///system start ${guest}`, 180_000);
    process.stderr.write(`virsh start of a guest holding a VF in the test hypervisor: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    try {
      expect((await sh(`virsh -c qemu:///system domstate ${guest}`)).trim()).toBe("running");
      expect(await sh(`cat /var/log/libvirt/qemu/${guest}.log`)).toContain(`"driver":"vfio-pci","host":"${vf}"`);
    } finally {
      await sh(`virsh -c qemu:///system destroy ${guest}`);
    }

    const detach = await runThroughApi(hostIds.kernel, KERNEL, {
      kind: "guest.detach",
      params: { guest, devices: [{ address: vf }], config: true, live: false },
    });
    expect([detach.state, detach.result?.changed]).toEqual(["succeeded", true]);
    expect(await hostdevSources()).toEqual([]);
    const undefine = await runThroughApi(hostIds.kernel, KERNEL, { kind: "guest.undefine", params: { name: guest } });
    expect([undefine.state, undefine.result?.changed]).toEqual(["succeeded", true]);
    expect(await defined()).toBe(false);
    await waitFor("the stored inventory without the guest", async () => ((await stored()) ? undefined : true), 300_000, 1000);
    // The VF is free again: on vfio-pci as the guest found it, then back to its own driver for what follows.
    expect((await sh(`basename $(readlink /sys/bus/pci/devices/${vf}/driver)`)).trim()).toBe("vfio-pci");
    expect((await runThroughApi(hostIds.kernel, KERNEL, { kind: "device.bind", params: { device: vf, driver: "host" } })).state).toBe(
      "succeeded",
    );
    expect((await sh(`basename $(readlink /sys/bus/pci/devices/${vf}/driver)`)).trim()).toBe("igbvf");
  }, 900_000);
});

/** Every state a job is seen in while it is polled, and its end. */
async function watchJob(jobId: string, timeoutMs = 900_000): Promise<{ seen: string[]; job: ApiJob }> {
  const seen: string[] = [];
  const job = await waitFor(
    `job ${jobId} to end`,
    async () => {
      const j = (await api.get<{ job: ApiJob }>(`/api/v1/jobs/${jobId}`)).body.job;
      if (seen.at(-1) !== j.state) seen.push(j.state);
      return TERMINAL.has(j.state) ? j : undefined;
    },
    timeoutMs,
    250,
  );
  return { seen, job };
}

/**
 * Hold the guest's agent at the kernel's door: strace (in the image) attaches to it and delays its
 * open of drivers_probe by `delay`, so a bind stops exactly between its unbind and its probe (no race
 * with the agent). Resolves with the agent's and strace's pids once strace is attached.
 */
async function holdBeforeProbe(delay: string): Promise<{ pid: string; strace: string }> {
  const sh = (cmd: string) => sshRun(kernel.testhost, cmd);
  const pid = (await sh("systemctl show -p MainPID --value vfleet-agent")).trim();
  const log = `/run/vfleet-strace-${Date.now()}`;
  const strace = (
    await sh(
      `nohup strace -f -p ${pid} -P /sys/bus/pci/drivers_probe -e trace=openat -e inject=openat:delay_enter=${delay} -o ${log}.log < /dev/null > ${log}.err 2>&1 & echo $!`,
    )
  ).trim();
  await waitFor(
    "strace attached to the agent",
    async () => ((await sh(`cat ${log}.err`)).includes("attached") ? true : undefined),
    120_000,
    500,
  );
  return { pid, strace };
}

/** Wait in the guest (one ssh call, so the wait ends within a held probe) until the VF has no driver. */
async function waitUnbound(vf: string): Promise<void> {
  await sshRun(kernel.testhost, `for i in $(seq 6000); do test -e /sys/bus/pci/devices/${vf}/driver || exit 0; sleep 0.1; done; exit 1`, {
    timeoutMs: 660_000,
  });
}

describe("faults on the real kernel", () => {
  it("the agent killed with SIGKILL between unbind and drivers_probe: systemd restarts it, the job ends once, succeeded, and the VF is on vfio-pci", async () => {
    const pf = KERNEL.pf;
    const vf = "0000:01:10.0";
    const sh = (cmd: string) => sshRun(kernel.testhost, cmd);
    expect((await runThroughApi(hostIds.kernel, KERNEL, { kind: "vf.set-count", params: { pf, count: 2 } })).state).toBe("succeeded");
    expect((await sh(`basename $(readlink /sys/bus/pci/devices/${vf}/driver)`)).trim()).toBe("igbvf");
    const restarts = Number((await sh("systemctl show -p NRestarts --value vfleet-agent")).trim());
    // Held 10 minutes: the kill lands exactly between the unbind and the probe.
    const { pid, strace } = await holdBeforeProbe("600s");
    const queued = await previewAndConfirm<{ job: ApiJob }>(api, "/api/v1/jobs", {
      hostId: hostIds.kernel,
      job: { kind: "device.bind", params: { device: vf, driver: "vfio-pci" } },
    });
    expect(queued.status).toBe(201);
    const held = await waitFor(
      "the VF unbound, with the agent held before drivers_probe",
      async () => {
        const r = await sh(`test -e /sys/bus/pci/devices/${vf}/driver && echo bound || cat /sys/bus/pci/devices/${vf}/driver_override`);
        return r.trim() === "vfio-pci" ? r.trim() : undefined;
      },
      600_000,
      250,
    );
    expect(held).toBe("vfio-pci");
    // The agent first (a tracee held by strace dies at once), then strace, so the held open never goes on.
    await sh(`kill -9 ${pid}; sleep 1; kill -9 ${strace}`);
    const { seen, job } = await watchJob(queued.body.job.id);
    process.stderr.write(`SIGKILL between unbind and probe: job states seen ${seen.join(" -> ")}\n`);
    // One terminal state, reached once: the redelivered job finished what the killed run started.
    expect(job.state).toBe("succeeded");
    expect(seen.filter((st) => TERMINAL.has(st))).toEqual(["succeeded"]);
    expect(seen).toContain("unknown");
    expect(Number((await sh("systemctl show -p NRestarts --value vfleet-agent")).trim())).toBeGreaterThan(restarts);
    expect((await sh("systemctl show -p MainPID --value vfleet-agent")).trim()).not.toBe(pid);
    expect((await sh(`basename $(readlink /sys/bus/pci/devices/${vf}/driver)`)).trim()).toBe("vfio-pci");
    // No VF of the PF is left without a driver.
    expect((await sh(`for v in /sys/bus/pci/devices/${pf}/virtfn*; do test -e $v/driver || echo $v; done`)).trim()).toBe("");
    // The redelivered run found the VF where the kill left it (no driver, the override set) and only probed.
    expect(job.result!.steps.map((st) => [st.action, st.status, st.detail])).toEqual([
      [`read sys/bus/pci/devices/${vf}/driver and driver_override`, "done", "driver none, driver_override vfio-pci"],
      [`write sys/bus/pci/drivers_probe = "${vf}"`, "done", null],
    ]);
  }, 1_800_000);

  it("the network cut for 60 s in the middle of a job: the host goes offline, the job unknown, and both are reconciled when the network is back", async () => {
    const vf = "0000:01:10.2";
    const sh = (cmd: string) => sshRun(kernel.testhost, cmd);
    expect((await sh(`basename $(readlink /sys/bus/pci/devices/${vf}/driver)`)).trim()).toBe("igbvf");
    // The job is held between unbind and probe for 20 s (the agent gives a sysfs write 30 s), so it is in
    // flight when the network goes, and it ends while the network is still cut.
    const { strace } = await holdBeforeProbe("20s");
    const queued = await previewAndConfirm<{ job: ApiJob }>(api, "/api/v1/jobs", {
      hostId: hostIds.kernel,
      job: { kind: "device.bind", params: { device: vf, driver: "vfio-pci" } },
    });
    expect(queued.status).toBe(201);
    // Waited for in the guest (one ssh call): the cut must come within the hold.
    await waitUnbound(vf);
    const jobState = async () => (await api.get<{ job: ApiJob }>(`/api/v1/jobs/${queued.body.job.id}`)).body.job.state;
    expect(["dispatched", "running"]).toContain(await jobState());
    const cutAt = Date.now();
    await monitorCommand(kernel.testhost, "set_link mgmt off");
    try {
      await waitFor("the host offline", async () => ((await hostView(hostIds.kernel)).summary.online ? undefined : true), 120_000, 500);
      await waitFor("the job unknown", async () => ((await jobState()) === "unknown" ? true : undefined), 60_000, 500);
      await sleep(Math.max(0, 60_000 - (Date.now() - cutAt)));
    } finally {
      await monitorCommand(kernel.testhost, "set_link mgmt on");
    }
    const { seen, job } = await watchJob(queued.body.job.id);
    await sh(`kill -9 ${strace} 2>/dev/null || true`); // its hold is over: later opens go straight on
    process.stderr.write(`network cut: job states seen after the cut ${seen.join(" -> ")}; steps ${JSON.stringify(job.result?.steps)}\n`);
    expect(job.state).toBe("succeeded");
    expect(seen.filter((st) => TERMINAL.has(st))).toEqual(["succeeded"]);
    // The result is the run that finished during the cut (its unbind and probe), reported when the
    // job came again: the agent did not run it a second time.
    expect(job.result!.steps.map((st) => [st.action, st.status])).toEqual([
      [`read sys/bus/pci/devices/${vf}/driver and driver_override`, "done"],
      [`write sys/bus/pci/devices/${vf}/driver_override = "vfio-pci"`, "done"],
      [`write sys/bus/pci/drivers/igbvf/unbind = "${vf}"`, "done"],
      [`write sys/bus/pci/drivers_probe = "${vf}"`, "done"],
    ]);
    await waitFor("the host online again", async () => ((await hostView(hostIds.kernel)).summary.online ? true : undefined), 600_000, 1000);
    expect((await sh(`basename $(readlink /sys/bus/pci/devices/${vf}/driver)`)).trim()).toBe("vfio-pci");
    const reconciled = await waitFor(
      "the snapshot after the cut showing the VF on vfio-pci",
      async () =>
        (await hostView(hostIds.kernel)).inventory.devices.find((d) => d.address === vf)?.driver === "vfio-pci" ? true : undefined,
      600_000,
      1000,
    );
    expect(reconciled).toBe(true);
  }, 1_800_000);
});

/** The test hypervisor's boot id, from the kernel itself. */
const bootId = async () => (await sshRun(kernel.testhost, "cat /proc/sys/kernel/random/boot_id")).trim();

/**
 * Reboot the test hypervisor (a power cycle, see vm.ts: its disk keeps what the agent wrote): the
 * host goes offline in the control plane, and the guest's kernel starts a new boot.
 */
async function rebootTesthost(options: { before?: string } = {}): Promise<{ offlineAt: string }> {
  const before = await bootId();
  const cycled = testhostPowerCycle(kernel.testhost, options);
  await waitFor(
    "the host offline in the control plane",
    async () => ((await hostView(hostIds.kernel)).summary.online ? undefined : true),
    600_000,
    500,
  );
  const offlineAt = new Date().toISOString();
  Object.assign(kernel.testhost, await cycled);
  expect(await bootId()).not.toBe(before);
  return { offlineAt };
}

describe("host.persist through a reboot of the test hypervisor, in the middle of a plan", () => {
  it("the VF count and vfio-pci binding come back after a reboot, the agent returns through systemd and reports them, and the plan cut by the reboot finishes", async () => {
    const pf = KERNEL.pf;
    const [vf0, vf1] = ["0000:01:10.0", "0000:01:10.2"] as const;
    const sh = (cmd: string) => sshRun(kernel.testhost, cmd);
    const driverOf = async (vf: string) =>
      (await sh(`basename $(readlink /sys/bus/pci/devices/${vf}/driver) 2>/dev/null || echo none`)).trim();
    expect((await runThroughApi(hostIds.kernel, KERNEL, { kind: "vf.set-count", params: { pf, count: 2 } })).state).toBe("succeeded");
    expect((await runThroughApi(hostIds.kernel, KERNEL, { kind: "device.bind", params: { device: vf1, driver: "vfio-pci" } })).state).toBe(
      "succeeded",
    );
    expect((await runThroughApi(hostIds.kernel, KERNEL, { kind: "device.bind", params: { device: vf0, driver: "host" } })).state).toBe(
      "succeeded",
    );
    expect([await driverOf(vf0), await driverOf(vf1)]).toEqual(["igbvf", "vfio-pci"]);
    const vfId = (await sh(`cat /sys/bus/pci/devices/${vf0}/vendor /sys/bus/pci/devices/${vf0}/device`))
      .trim()
      .split("\n")
      .map((x) => x.replace(/^0x/, ""))
      .join(":");
    expect(vfId).toBe("8086:10ca");
    const persisted = await runThroughApi(hostIds.kernel, KERNEL, {
      kind: "host.persist",
      params: { vfCounts: [{ pf: KERNEL.pfIf, count: 2 }], vfioIds: [vfId], method: "udev" },
    });
    expect([persisted.state, persisted.result?.changed]).toEqual(["succeeded", true]);

    // A plan: VF 0 to vfio-pci, then VF 1's MAC. Its first job is held between unbind and probe, and
    // the host goes down there: the agent dies with the held write undone, and the machine reboots.
    const mac = testMac(KERNEL, "0b");
    const { pid, strace } = await holdBeforeProbe("600s");
    const plan = await previewAndConfirm<{ jobs: { id: string; ref: string }[] }>(api, "/api/v1/plans", {
      hostId: hostIds.kernel,
      title: "VF 0 to vfio-pci, VF 1's MAC",
      jobs: [
        { ref: "bind", job: { kind: "device.bind", params: { device: vf0, driver: "vfio-pci" } } },
        { ref: "mac", job: { kind: "vf.configure", params: { pf, vf: 1, mac } }, dependsOn: ["bind"] },
      ],
    });
    expect(plan.status).toBe(201);
    await waitUnbound(vf0);
    const watched = plan.body.jobs.map((j) => watchJob(j.id, 1_500_000));
    // In one session, so that systemd's restart of the agent cannot run the held job before the reboot.
    const { offlineAt } = await rebootTesthost({ before: `kill -9 ${pid}; sleep 1; kill -9 ${strace}` });

    // The kernel's own view after the boot, read over SSH: nothing but the boot configuration set it.
    expect((await sh(`cat /sys/bus/pci/devices/${pf}/sriov_numvfs`)).trim()).toBe("2");
    expect([await driverOf(vf0), await driverOf(vf1)]).toEqual(["vfio-pci", "vfio-pci"]);
    // The plan, cut by the reboot, finished after it: each job once, succeeded.
    const [bind, configure] = await Promise.all(watched);
    process.stderr.write(
      `reboot mid-plan: bind ${bind!.seen.join(" -> ")} steps ${JSON.stringify(bind!.job.result?.steps)}; configure ${configure!.seen.join(" -> ")}\n`,
    );
    expect([bind!.job.state, configure!.job.state]).toEqual(["succeeded", "succeeded"]);
    expect(bind!.seen.filter((st) => TERMINAL.has(st))).toEqual(["succeeded"]);
    expect(bind!.seen).toContain("unknown");
    const vfLine = JSON.parse(await sh(`ip -json -details link show ${KERNEL.pfIf}`)) as { vfinfo_list: { address: string }[] }[];
    expect(vfLine[0]!.vfinfo_list[1]!.address).toBe(mac);

    const after = await waitFor(
      "the agent back through systemd, with a snapshot of the new boot",
      async () => {
        const v = await hostView(hostIds.kernel);
        if (!v.summary.online || !v.summary.snapshotAt || v.summary.snapshotAt < offlineAt) return undefined;
        const p = v.inventory.devices.find((d) => d.address === pf);
        const drivers = (p?.sriov?.vfs ?? []).map((a) => v.inventory.devices.find((d) => d.address === a)?.driver);
        return p?.sriov?.numVfs === 2 && drivers.every((d) => d === "vfio-pci") ? v : undefined;
      },
      900_000,
      2000,
    );
    // Bound at boot by vfio-pci's ids, not by an override: the override device.bind wrote is gone with the reboot.
    expect(
      [vf0, vf1].map((a) => {
        const d = after.inventory.devices.find((x) => x.address === a);
        return [a, d?.driver, d?.driverOverride ?? null];
      }),
    ).toEqual([
      [vf0, "vfio-pci", null],
      [vf1, "vfio-pci", null],
    ]);
    // The agent came back by itself: started by systemd at boot, not by this test.
    expect((await sh("systemctl is-enabled vfleet-agent; systemctl is-active vfleet-agent")).split("\n")).toEqual([
      "enabled",
      "active",
      "",
    ]);
    const persistence = after.inventory.host.persistence;
    expect(persistence?.vfCounts).toEqual(expect.arrayContaining([expect.objectContaining({ interface: KERNEL.pfIf, numVfs: 2 })]));
    expect(persistence?.vfioPciIds.flatMap((e) => e.ids)).toContain(vfId);
    expect(persistence?.modulesLoaded.map((m) => m.module)).toContain("vfio_pci");
    expect((await audit(hostIds.kernel))("persistence.vf-count").status).toBe("pass");
  }, 2_400_000);
});

describe("device health on a real kernel's AER counters", () => {
  // The root port above the first igb PF (QEMU's `rp1`). An error injected into QEMU's igb itself is
  // never counted: its model keeps Device Control's error-reporting enables at 0, so no message leaves
  // it (docs/design/real-kernel.md); one injected into the root port reaches the kernel's AER driver.
  const ROOT_PORT = "0000:00:03.0";
  type Aer = { correctable: number | null; nonfatal: number | null; fatal: number | null };
  const rootPort = async () =>
    (
      await api.get<{ inventory: { devices: { address: string; aer: Aer | null; health: string }[] } }>(`/api/v1/hosts/${hostIds.kernel}`)
    ).body.inventory.devices.find((d) => d.address === ROOT_PORT)!;

  it("QEMU's pcie_aer_inject_error: the real agent reports the kernel's totals and the control plane degrades, then quarantines the device", async () => {
    expect(await rootPort()).toMatchObject({ aer: { correctable: 0, nonfatal: 0, fatal: 0 }, health: "healthy" });
    // Completion Timeout: uncorrectable, non-fatal by its default severity. Degraded at 1, quarantined at 5 by the defaults.
    for (let i = 0; i < 5; i++) {
      expect(await monitorCommand(kernel.testhost, "pcie_aer_inject_error rp1 COMP_TIME")).toContain("OK id: rp1");
      await new Promise((r) => setTimeout(r, 3000));
    }
    const kernelSays = await sshRun(kernel.testhost, `cat /sys/bus/pci/devices/${ROOT_PORT}/aer_dev_nonfatal`);
    expect(kernelSays).toMatch(/^TOTAL_ERR_NONFATAL 5$/m);
    const quarantined = await waitFor(
      "the root port quarantined",
      async () => {
        const d = await rootPort();
        return d.health === "quarantined" ? d : undefined;
      },
      300_000,
      1000,
    );
    expect(quarantined.aer).toEqual({ correctable: 0, nonfatal: 5, fatal: 0 });
    const events = await stack.db.auditEvent.findMany({
      where: { hostId: hostIds.kernel, action: { startsWith: "device." } },
      orderBy: { at: "asc" },
    });
    // A scan under TCG can take longer than the errors' spacing: it may see 5 at once and skip "degraded".
    expect(events.at(-1)).toMatchObject({ action: "device.quarantined", actor: "vfleet health (AER)" });
    expect(events.at(-1)!.after).toMatchObject({ aer: { nonfatal: 5 }, reached: ["nonfatal 5 >= 5"] });
    expect(events.slice(0, -1).every((e) => e.action === "device.degraded")).toBe(true);
  }, 600_000);
});
