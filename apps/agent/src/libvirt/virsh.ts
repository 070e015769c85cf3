import { dirname } from "node:path";
import { checkDomainName, LibvirtInputError, parseDomainXml } from "@vfleet/core";
import type { Guest } from "@vfleet/protocol";
import { explainVirshError } from "./explain-virsh-error.ts";
import { parseBatchErrors } from "./parse-batch-errors.ts";
import { runVirsh, type VirshOutput } from "./run-virsh.ts";
import { VirshError } from "./virsh-error.ts";
import { withTempFiles } from "./with-temp-files.ts";

export type VirshOptions = {
  /** libvirt connection URI; qemu:///system is where the host's guests live. */
  uri?: string;
  virshPath?: string;
  /** Per virsh call. libvirtd answers in milliseconds; a stuck driver must not hang a job. */
  timeoutMs?: number;
  /** Added to `timeoutMs` per device in a batch: 160 attaches take about 1 s in one process. */
  batchTimeoutPerDeviceMs?: number;
};

/** Where a device change applies: the running guest (`live`), its persistent definition (`config`), or both. */
export type DeviceChangeOptions = { live?: boolean; config?: boolean };

export type DeviceResult = { index: number; ok: true } | { index: number; ok: false; error: VirshError };

export type Virsh = {
  readonly uri: string;
  version(): Promise<string>;
  defineDomain(xml: string): Promise<string>;
  /** `ifExists`: a guest that is already gone is success (cleanup, redelivered jobs). */
  undefineDomain(domain: string, options?: { ifExists?: boolean }): Promise<void>;
  startDomain(domain: string): Promise<void>;
  destroyDomain(domain: string): Promise<void>;
  attachDevice(domain: string, xml: string, options: DeviceChangeOptions): Promise<void>;
  detachDevice(domain: string, xml: string, options: DeviceChangeOptions): Promise<void>;
  attachDevices(domain: string, xmls: readonly string[], options: DeviceChangeOptions): Promise<DeviceResult[]>;
  detachDevices(domain: string, xmls: readonly string[], options: DeviceChangeOptions): Promise<DeviceResult[]>;
  dumpXml(domain: string, options?: { inactive?: boolean }): Promise<string>;
  domainState(domain: string): Promise<Guest["state"]>;
  listDomains(): Promise<string[]>;
};

/** `virsh domstate` words -> the protocol's guest states. */
const STATES: Record<string, Guest["state"]> = {
  running: "running",
  idle: "running",
  blocked: "running",
  "in shutdown": "running",
  paused: "paused",
  pmsuspended: "paused",
  "shut off": "shut off",
  crashed: "shut off",
};

function changeFlags(options: DeviceChangeOptions): string[] {
  // virsh's default (--current) depends on whether the guest runs at that instant; a job must
  // say which definition it changes, so one of the two is required.
  if (!options.live && !options.config) {
    throw new LibvirtInputError("options", "set live, config or both: which definition of the guest to change", options);
  }
  return [...(options.live ? ["--live"] : []), ...(options.config ? ["--config"] : [])];
}

/** Quote a word for virsh's own command parser (batch scripts are parsed by virsh, not a shell). */
function quoteForVirsh(word: string): string {
  if (/['\n\\]/.test(word)) throw new LibvirtInputError("path", "must not contain quotes, backslashes or newlines", word);
  return `'${word}'`;
}

export function createVirsh(options: VirshOptions = {}): Virsh {
  const uri = options.uri ?? "qemu:///system";
  const virshPath = options.virshPath ?? "virsh";
  const timeoutMs = options.timeoutMs ?? 30_000;
  const perDeviceMs = options.batchTimeoutPerDeviceMs ?? 2_000;
  const run = (args: string[], extra: { input?: string; timeoutMs?: number } = {}): Promise<VirshOutput> =>
    runVirsh(args, { uri, virshPath, timeoutMs: extra.timeoutMs ?? timeoutMs, input: extra.input });

  const changeDevice = async (verb: "attach-device" | "detach-device", domain: string, xml: string, opts: DeviceChangeOptions) => {
    const name = checkDomainName("domain", domain);
    const flags = changeFlags(opts);
    await withTempFiles("device", [xml], ([path]) => run([verb, "--domain", name, "--file", path!, ...flags]));
  };

  const changeDevices = async (
    verb: "attach-device" | "detach-device",
    domain: string,
    xmls: readonly string[],
    opts: DeviceChangeOptions,
  ): Promise<DeviceResult[]> => {
    const name = checkDomainName("domain", domain);
    const flags = changeFlags(opts);
    if (xmls.length === 0) return [];
    return withTempFiles("device", xmls, async (paths) => {
      // One virsh process runs every command from stdin: one connection to libvirtd instead of
      // one process + connection per device. virsh continues after a failed command.
      const script = paths.map((p) => `${verb} --domain ${name} --file ${quoteForVirsh(p)} ${flags.join(" ")}\n`).join("") + "quit\n";
      let stderr: string;
      try {
        // virsh's history goes beside the device files (removed with them), not to a home the unit keeps read-only.
        const cacheDir = dirname(paths[0]!);
        stderr = (await runVirsh(["-q"], { uri, virshPath, timeoutMs: timeoutMs + perDeviceMs * xmls.length, input: script, cacheDir }))
          .stderr;
      } catch (err) {
        if (!(err instanceof VirshError) || err.code === "timeout" || err.code === "virsh-missing") throw err;
        stderr = err.stderr;
      }
      const { byIndex, unattributed } = parseBatchErrors(stderr, paths);
      if (unattributed.length > 0) {
        const message = unattributed.join("\n");
        const { code, explanation } = explainVirshError(message);
        throw new VirshError(["-q", `<${xmls.length} × ${verb}>`], code, message, explanation, null, stderr);
      }
      return paths.map((path, index): DeviceResult => {
        const lines = byIndex.get(index);
        if (lines === undefined) return { index, ok: true };
        const { code, explanation } = explainVirshError(lines);
        return {
          index,
          ok: false,
          error: new VirshError([verb, "--domain", name, "--file", path, ...flags], code, lines, explanation, null, lines),
        };
      });
    });
  };

  return {
    uri,
    async version() {
      return (await run(["version"])).stdout.trim();
    },
    async defineDomain(xml) {
      // The name lands in /etc/libvirt/qemu/<name>.xml and in later virsh arguments: check
      // it here, before libvirt sees the document.
      const name = checkDomainName("name", parseDomainXml(xml).name);
      await withTempFiles("domain", [xml], ([path]) => run(["define", "--file", path!]));
      return name;
    },
    async undefineDomain(domain, opts = {}) {
      const name = checkDomainName("domain", domain);
      await run(["undefine", "--domain", name]).catch((err: unknown) => {
        if (!(opts.ifExists && err instanceof VirshError && err.code === "domain-not-found")) throw err;
      });
    },
    async startDomain(domain) {
      await run(["start", "--domain", checkDomainName("domain", domain)]);
    },
    async destroyDomain(domain) {
      await run(["destroy", "--domain", checkDomainName("domain", domain)]);
    },
    attachDevice: (domain, xml, opts) => changeDevice("attach-device", domain, xml, opts),
    detachDevice: (domain, xml, opts) => changeDevice("detach-device", domain, xml, opts),
    attachDevices: (domain, xmls, opts) => changeDevices("attach-device", domain, xmls, opts),
    detachDevices: (domain, xmls, opts) => changeDevices("detach-device", domain, xmls, opts),
    async dumpXml(domain, opts = {}) {
      const args = ["dumpxml", "--domain", checkDomainName("domain", domain), ...(opts.inactive ? ["--inactive"] : [])];
      return (await run(args)).stdout;
    },
    async domainState(domain) {
      const word = (await run(["domstate", "--domain", checkDomainName("domain", domain)])).stdout.trim();
      return STATES[word] ?? "unknown";
    },
    async listDomains() {
      const out = (await run(["list", "--all", "--name"])).stdout;
      return out
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.length > 0);
    },
  };
}
