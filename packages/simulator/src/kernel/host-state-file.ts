import { open, readFile, readlink, readdir, rename, rm, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { parseDomainXml } from "@vfleet/core";
import { compareBdf } from "../model/bdf.ts";
import { createHostState } from "../model/create-host-state.ts";
import type { GuestState, PciFunction } from "../model/host-state.ts";
import { setVfCount } from "../model/set-vf-count.ts";
import { profiles } from "../profiles/index.ts";
import { TREE_MARKER } from "../render/render-tree.ts";
import type { SimHostState } from "./kernel-state.ts";

/**
 * The simulated host's kernel state lives in `<root>/run/vfleet-sim/state.json`, so separate
 * processes (the agent, a test, the CLI) act on one host. Updates hold `state.lock` (an O_EXCL
 * file with the holder's pid; a dead holder's lock is taken over, which is what a killed agent
 * leaves) and replace the file by rename, so a reader never sees half a state.
 */
export const STATE_FILE = "run/vfleet-sim/state.json";
const LOCK_FILE = "run/vfleet-sim/state.lock";
const LOCK_WAIT_MS = 30_000;

type StateJson = {
  version: 1;
  spec: SimHostState["spec"];
  functions: PciFunction[];
  guests: GuestState[];
  nextIfindex: number;
  faults?: SimHostState["faults"];
};

export function serializeHostState(state: SimHostState): string {
  const json: StateJson = {
    version: 1,
    spec: state.spec,
    functions: [...state.functions.values()].sort((a, b) => compareBdf(a.bdf, b.bdf)),
    guests: state.guests,
    nextIfindex: state.nextIfindex,
    ...(state.faults ? { faults: state.faults } : {}),
  };
  return `${JSON.stringify(json)}\n`;
}

export function parseHostState(text: string): SimHostState {
  const json = JSON.parse(text) as StateJson;
  if (json.version !== 1) throw new Error(`${STATE_FILE}: unknown version ${String(json.version)}`);
  return {
    spec: json.spec,
    functions: new Map(json.functions.map((f) => [f.bdf, f])),
    guests: json.guests,
    nextIfindex: json.nextIfindex,
    ...(json.faults ? { faults: json.faults } : {}),
  };
}

export async function saveHostState(root: string, state: SimHostState): Promise<void> {
  const file = path.join(root, STATE_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, serializeHostState(state));
  await rename(tmp, file);
}

/** The saved state, or one rebuilt from the tree itself (a tree `sim tree` wrote has no state.json yet). */
export async function loadHostState(root: string): Promise<SimHostState> {
  try {
    return parseHostState(await readFile(path.join(root, STATE_FILE), "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return reconstructHostState(root);
}

const readOr = (file: string) =>
  readFile(file, "utf8").then(
    (t) => t.trim(),
    () => null,
  );
const linkName = (file: string) =>
  readlink(file).then(
    (t) => path.basename(t),
    () => null,
  );

/**
 * Rebuild the model from what the tree shows: the profile (marker file), each PF's VF count,
 * each function's driver, override and group, the VFs' `ip link` settings, and libvirt guests.
 */
export async function reconstructHostState(root: string): Promise<SimHostState> {
  const profile = await readOr(path.join(root, TREE_MARKER));
  if (profile === null) throw new Error(`${root} is not a simulator tree (no ${TREE_MARKER})`);
  const spec = profiles[profile];
  if (!spec) throw new Error(`${root}: unknown simulator profile "${profile}" in ${TREE_MARKER}`);
  const state: SimHostState = createHostState(spec, { vfs: 0 });
  const dev = (bdf: string, name: string) => path.join(root, "sys/bus/pci/devices", bdf, name);
  for (const pf of [...state.functions.values()].filter((f) => f.sriov).sort((a, b) => compareBdf(a.bdf, b.bdf))) {
    const n = Number((await readOr(dev(pf.bdf, "sriov_numvfs"))) ?? 0);
    if (n > 0) setVfCount(state, pf.bdf, n);
    pf.sriov!.driversAutoprobe = (await readOr(dev(pf.bdf, "sriov_drivers_autoprobe"))) !== "0";
  }
  for (const fn of state.functions.values()) {
    fn.driver = await linkName(dev(fn.bdf, "driver"));
    const override = await readOr(dev(fn.bdf, "driver_override"));
    fn.driverOverride = override === null || override === "(null)" ? null : override;
    const group = await linkName(dev(fn.bdf, "iommu_group"));
    fn.iommuGroup = group === null ? null : Number(group);
    const nets = await readdir(dev(fn.bdf, "net")).catch(() => [] as string[]);
    if (nets.length === 0) fn.net = null;
    if (fn.sriov && fn.net) {
      const link = JSON.parse((await readOr(path.join(root, "run/vfleet-sim/ip-link", `${fn.net.ifname}.json`))) ?? "[{}]") as Array<{
        vfinfo_list?: Array<Record<string, unknown>>;
      }>;
      for (const v of link[0]?.vfinfo_list ?? []) {
        const cfg = fn.sriov.vfConfigs[v.vf as number];
        if (!cfg) continue;
        const vl = ((v.vlan_list as Array<Record<string, number>> | undefined) ?? [{}])[0] ?? {};
        Object.assign(cfg, {
          mac: v.address,
          vlan: vl.vlan ?? 0,
          qos: vl.qos ?? 0,
          spoofchk: v.spoofchk,
          trust: v.trust,
          linkState: v.link_state,
        });
      }
    }
  }
  state.guests = [];
  const qemuDir = path.join(root, "etc/libvirt/qemu");
  for (const file of (await readdir(qemuDir).catch(() => [] as string[])).filter((f) => f.endsWith(".xml")).sort()) {
    const xml = await readFile(path.join(qemuDir, file), "utf8");
    const running = (await readOr(path.join(root, "run/libvirt/qemu", file))) !== null;
    state.guests.push(guestFromXml(xml, running));
  }
  return state;
}

/** A libvirt definition as the model's guest (what the kernel model needs: who holds which device). */
export function guestFromXml(xml: string, running: boolean): GuestState {
  const g = parseDomainXml(xml);
  return {
    name: g.name,
    uuid: g.uuid ?? "",
    vcpus: g.vcpus,
    memoryKiB: g.memoryKiB,
    machine: g.machine ?? "",
    running,
    hostdevs: g.hostdevs.map((h) => ({ kind: h.kind, bdf: h.address, mac: h.mac, vlan: h.vlan })),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Run `fn` holding the host's state lock. */
export async function withHostStateLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(root, LOCK_FILE);
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const h = await open(lock, "wx");
      await h.writeFile(String(process.pid));
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(await readOr(lock));
      // A holder that died (kill -9 mid-job) never releases: its lock is free to take.
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && !alive(holder)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`simulated host ${root}: state lock held by pid ${holder} for over ${LOCK_WAIT_MS} ms`);
      await sleep(Math.min(2 + attempt, 20));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
