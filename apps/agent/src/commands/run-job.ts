import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { Bdf } from "@vfleet/protocol";
import { openHostIO } from "../host-io/open-host-io.ts";
import { AgentPolicy, EMPTY_POLICY, executeJob, loadPolicyFile, PolicyError, SIMULATOR_POLICY } from "../jobs/index.ts";

export const summary = "run one job (vf.set-count, device.bind, vf.configure, guest.attach/detach, host.persist) with no control plane";

const USAGE = `usage: agent run-job [--root <dir>] [--simulated] [--policy <file>] [--adopt <bdf>|all-sriov]... [--timeout-ms N] --json '<job>'
  --root <dir>       host root (default /)
  --simulated        apply the simulator's kernel model to the tree at --root (lspci and agent scan see the result)
  --policy <file>    agent policy JSON: { "version": 1, "adopt": [<bdf>...] | "all-sriov", "protectInterfaces": [...], "protectDevices": [...] }
  --adopt <bdf>      adopt a PF or device for this run (repeatable; "all-sriov" = every SR-IOV PF);
                     adds to --policy's list, replaces the default (nothing on a real host, every
                     SR-IOV PF with --simulated); refused with a policy that adopts all-sriov
  --timeout-ms N     timeout of each sysfs write and ip command (default 30000 / 10000)
  --json '<job>'     the protocol's job object, e.g. {"kind":"vf.set-count","params":{"pf":"0000:86:00.0","count":8}}
prints the JobResult as JSON; exit status 0 succeeded, 1 failed (error explained), 2 bad usage or input`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        root: { type: "string", default: "/" },
        simulated: { type: "boolean", default: false },
        policy: { type: "string" },
        adopt: { type: "string", multiple: true },
        "timeout-ms": { type: "string" },
        json: { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`agent run-job: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (values.json === undefined) throw new UsageError("--json '<job>' is required");
    let job: unknown;
    try {
      job = JSON.parse(values.json);
    } catch (err) {
      throw new UsageError(`--json: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    const root = path.resolve(values.root!);
    const s = await stat(root).catch(() => null);
    if (!s?.isDirectory()) throw new UsageError(`--root ${values.root}: not a directory`);
    let timeoutMs: number | undefined;
    if (values["timeout-ms"] !== undefined) {
      if (!/^\d+$/.test(values["timeout-ms"]) || Number(values["timeout-ms"]) < 1 || Number(values["timeout-ms"]) > 3_600_000)
        throw new UsageError(`--timeout-ms must be an integer from 1 to 3600000, got "${values["timeout-ms"]}"`);
      timeoutMs = Number(values["timeout-ms"]);
    }
    let policy = values.policy ? await loadPolicyFile(values.policy) : values.simulated ? SIMULATOR_POLICY : EMPTY_POLICY;
    if (values.adopt?.length) {
      const adopt = values.adopt.includes("all-sriov")
        ? ("all-sriov" as const)
        : values.adopt.map((a, i) => {
            if (!Bdf.safeParse(a).success)
              throw new UsageError(`--adopt[${i}] "${a}": must be a PCI address like 0000:86:00.2 or all-sriov`);
            return a;
          });
      // A device list cannot extend "all-sriov" (which adopts SR-IOV PFs only): an --adopt must never be dropped silently.
      // Without --policy the list replaces the default; a policy file adopting all-sriov plus devices is refused.
      if (adopt !== "all-sriov" && policy.adopt === "all-sriov" && values.policy) {
        throw new UsageError(
          `--adopt ${adopt.join(" ")}: --policy ${values.policy} adopts "all-sriov", which a device list cannot extend (it adopts SR-IOV PFs only); list every device in the policy's "adopt" instead`,
        );
      }
      const base = values.policy ? policy.adopt : [];
      policy = AgentPolicy.parse({ ...policy, adopt: adopt === "all-sriov" || base === "all-sriov" ? "all-sriov" : [...base, ...adopt] });
    }
    const timeouts = timeoutMs === undefined ? {} : { sysfsMs: timeoutMs, ipMs: timeoutMs };
    const io = await openHostIO(root, values.simulated!, { timeouts });
    const result = await executeJob(job, { io, policy });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (result.status === "succeeded") return 0;
    process.stderr.write(`agent run-job: ${result.error!.code}: ${result.error!.message}\n${result.error!.explanation}\n`);
    return result.error!.code === "bad-input" ? 2 : 1;
  } catch (err) {
    if (err instanceof UsageError || err instanceof PolicyError) {
      process.stderr.write(`agent run-job: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
