import { HostIOError } from "../host-io/index.ts";
import { VirshError } from "../libvirt/index.ts";
import { JobFailure } from "./job-failure.ts";

/** Words every timeout explanation shares: the change may still be happening. */
export const TIMEOUT_ADVICE =
  "The write may still complete inside the driver (drivers can block for minutes, e.g. while firmware creates VFs). Read the value back before doing anything else; running the same job again is safe, it acts only on what is left to do.";

/** A host error the executor did not explain itself, as a JobFailure with generic plain words. */
export function toJobFailure(err: unknown, context = ""): JobFailure {
  if (err instanceof JobFailure) return err;
  if (err instanceof HostIOError) {
    const generic: Record<string, string> = {
      ETIMEDOUT: `The host did not answer in time. ${TIMEOUT_ADVICE}`,
      EACCES: "The agent may not write this file: it must run as root.",
      EPERM: "The kernel refused the write: the agent must run as root (and not in a restricted container).",
      ENODEV: "The device is not there or not bound to the driver named: the host changed since it was read; run the job again.",
      "bad-path": "The agent only writes PCI attributes under /sys and boot config under /etc; the request named something else.",
      "ip-failed": "The PF driver refused the VF setting (ip link set ... vf). Check the VF exists and the value is one the NIC supports.",
    };
    return new JobFailure(
      err.code,
      [err.operation, err.hostMessage, err.kernelLog].filter(Boolean).join(": "),
      `${context}${generic[err.code] ?? `The kernel answered ${err.code}.`}`,
    );
  }
  if (err instanceof VirshError)
    return new JobFailure(
      `libvirt:${err.code}`,
      err.libvirtMessage,
      err.explanation ?? "libvirt refused the change; its message above says why.",
    );
  return new JobFailure(
    "agent-error",
    err instanceof Error ? err.message : String(err),
    "The agent failed unexpectedly; the host may be partly changed. Read its state (agent scan) before retrying.",
  );
}
