import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  applySysfsWrite,
  guestFromXml,
  type KernelOutcome,
  loadHostState,
  matchesFault,
  runIpCommand,
  saveHostState,
  type SimHostState,
  STATE_FILE,
  STRERROR,
  syncTree,
  withHostStateLock,
} from "@vfleet/simulator";
import { checkDomainName } from "@vfleet/core";
import { createVirsh, type Virsh, VirshError } from "../libvirt/index.ts";
import { scanHost } from "../scan/index.ts";
import { readDeviceView } from "../scan/read-device-view.ts";
import { readConfigFile, writeConfigFile } from "./config-files.ts";
import { checkSysfsPath, DEFAULT_TIMEOUTS, type HostIO, HostIOError, withTimeout } from "./host-io.ts";
import { readSysfsAttr, readSysfsLinkName } from "./read-sysfs-attr.ts";

export type SimulatedHostIOOptions = { virsh?: Virsh; timeouts?: Partial<typeof DEFAULT_TIMEOUTS> };

/**
 * A write the model says blocks forever: only the caller's timeout (or a kill) ends the wait.
 * It holds no timer of its own, so every caller wraps it in withTimeout (whose timer keeps the
 * process alive until then, as a blocked write(2) would).
 */
const blockForever = () => new Promise<never>(() => {});

async function writeAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/**
 * HostIO on a simulator tree: each write goes through the kernel model (`@vfleet/simulator`
 * kernel/) on the state shared in `<root>/run/vfleet-sim/state.json` under its lock, then the
 * changed devices are re-rendered so `lspci` and `agent scan` see the result. libvirt is the
 * real qemu:///system: after a guest change, `syncGuest` copies `virsh dumpxml --inactive` into
 * `<root>/etc/libvirt/qemu/<name>.xml` (and the live XML into `run/libvirt/qemu` while it runs),
 * which is where the scan reads guests from on a tree, and records the assignments in the model.
 */
export function createSimulatedHostIO(root: string, options: SimulatedHostIOOptions = {}): HostIO {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const virsh = options.virsh ?? createVirsh();

  /** Load (rebuilding and saving it the first time from the tree), apply, save, re-render: all under the lock. */
  const transact = async (apply: (state: SimHostState) => KernelOutcome | null): Promise<KernelOutcome | null> => {
    let hang = false;
    const outcome = await withHostStateLock(root, async () => {
      const fresh = await readFile(path.join(root, STATE_FILE)).then(
        () => false,
        () => true,
      );
      const before = await loadHostState(root);
      if (fresh) await saveHostState(root, before);
      const out = apply(before);
      if (out?.kind === "hang") hang = true;
      // A failed change can still leave part of it applied (VF settings before the one the driver refuses).
      const applied = out?.kind === "ok" ? out : out?.kind === "error" ? out.partial : undefined;
      if (applied && applied.state !== before) {
        await saveHostState(root, applied.state);
        await syncTree(root, before, applied.state, applied);
      }
      return out;
    });
    if (hang) return blockForever();
    return outcome;
  };

  return {
    root,
    simulated: true,
    virsh,
    scan: () => scanHost(root),
    scanDevices: (addresses, opts) => readDeviceView(root, addresses, opts),
    readSysfs: (p) => readSysfsAttr(root, p),
    readSysfsLink: (p) => readSysfsLinkName(root, p),
    async writeSysfs(relPath, value, opts = {}) {
      const op = `write ${relPath} = ${JSON.stringify(value)}`;
      checkSysfsPath(relPath);
      await withTimeout(
        op,
        opts.timeoutMs ?? timeouts.sysfsMs,
        transact((s) => applySysfsWrite(s, relPath, value)).then((out) => {
          if (out?.kind === "error") throw new HostIOError(out.errno, op, `write error: ${STRERROR[out.errno]}`, out.kernelLog);
        }),
      );
    },
    async runIp(args, opts = {}) {
      const op = `ip ${args.join(" ")}`;
      let result: ReturnType<typeof runIpCommand> | undefined;
      await withTimeout(
        op,
        opts.timeoutMs ?? timeouts.ipMs,
        transact((s) => {
          result = runIpCommand(s, args);
          return result.outcome;
        }),
      );
      if (result!.exitCode !== 0)
        throw new HostIOError("ip-failed", op, result!.stderr.trim(), result!.outcome?.kind === "error" ? result!.outcome.kernelLog : null);
      return result!.stdout;
    },
    async syncGuest(name) {
      const guest = checkDomainName("guest", name);
      const op = `copy libvirt's definition of ${guest} into the tree`;
      // The simulated host's write of the definition can hang like any other write (crash tests hold the agent here).
      await withTimeout(
        op,
        timeouts.sysfsMs,
        transact((s) => (matchesFault(s.faults?.hangOn, `libvirt-sync ${guest}`) ? { kind: "hang" } : null)),
      );
      const defFile = path.join(root, "etc/libvirt/qemu", `${guest}.xml`);
      const runFile = path.join(root, "run/libvirt/qemu", `${guest}.xml`);
      let xml: string | null;
      try {
        xml = await virsh.dumpXml(guest, { inactive: true });
      } catch (err) {
        if (!(err instanceof VirshError && err.code === "domain-not-found")) throw err;
        xml = null;
      }
      const running = xml !== null && (await virsh.domainState(guest)) === "running";
      if (xml === null) await rm(defFile, { force: true });
      else await writeAtomic(defFile, xml);
      if (running) await writeAtomic(runFile, await virsh.dumpXml(guest));
      else await rm(runFile, { force: true });
      await withTimeout(
        op,
        timeouts.sysfsMs,
        withHostStateLock(root, async () => {
          const s = await loadHostState(root);
          s.guests = s.guests.filter((g) => g.name !== guest);
          if (xml !== null) s.guests.push(guestFromXml(xml, running));
          await saveHostState(root, s);
        }),
      );
    },
    readConfigFile: (p) => readConfigFile(root, p),
    writeConfigFile: (p, c) => writeConfigFile(root, p, c),
  };
}
