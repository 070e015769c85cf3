import type { Inventory } from "@vfleet/protocol";
import type { AuditRule } from "../types.ts";
import { readIommuState } from "../iommu-state.ts";
import { cmdlineArgs, couldNotTell, notApplicable, result, unreadSource } from "../rule-helpers.ts";

/** Bit 3 of a VT-d unit's extended capability register: interrupt remapping supported (VT-d spec, ECAP_REG.IR). */
const ECAP_IR = 1n << 3n;

/**
 * Whether interrupt remapping is in use, and which evidence said so: IR- irqchips in
 * /proc/interrupts say it is; the VT-d units' ecap say what the hardware offers (the kernel
 * enables remapping only when every unit supports it, so one unit without it rules it out).
 */
function readRemapping(inventory: Inventory): { inUse: boolean | null; evidence: string[] } {
  const { interruptRemapping, ecap = [], units } = inventory.host.iommu;
  const evidence: string[] = [];
  if (interruptRemapping !== null)
    evidence.push(
      interruptRemapping
        ? "/proc/interrupts: IR- (remapped) interrupt chips: interrupt remapping is in use"
        : "/proc/interrupts: no IR- interrupt chips: interrupt remapping is not in use",
    );
  else evidence.push(unreadSource(inventory, "/proc/interrupts") ? "/proc/interrupts: not read" : "/proc/interrupts: could not be read");
  const byValue = new Map<string, string[]>();
  for (const e of ecap) byValue.set(e.ecap, [...(byValue.get(e.ecap) ?? []), e.unit]);
  for (const [value, names] of byValue) {
    const paths = names.length === 1 ? names[0] : `{${names.join(",")}}`;
    const supported = (BigInt(`0x${value}`) & ECAP_IR) !== 0n;
    evidence.push(
      `/sys/devices/virtual/iommu/${paths}/intel-iommu/ecap: ${value} (bit 3 ${supported ? "set: the hardware offers interrupt remapping" : "clear: this unit cannot remap interrupts"})`,
    );
  }
  if (interruptRemapping !== null) return { inUse: interruptRemapping, evidence };
  // Without /proc/interrupts: hardware that cannot remap decides "not in use"; hardware that can leaves it open.
  const lacking = ecap.filter((e) => (BigInt(`0x${e.ecap}`) & ECAP_IR) === 0n).map((e) => e.unit);
  if (lacking.length > 0) {
    evidence.push(`interrupt remapping is not in use: ${lacking.join(", ")} cannot remap interrupts (told by ecap)`);
    return { inUse: false, evidence };
  }
  if (!unreadSource(inventory, "/proc/cmdline") && cmdlineArgs(inventory.host.kernelCmdline).get("intremap")?.split(",").includes("off")) {
    evidence.push("interrupt remapping is not in use: /proc/cmdline has intremap=off");
    return { inUse: false, evidence };
  }
  const dmar = units.filter((u) => /^dmar\d+$/.test(u)).length;
  if (ecap.length > 0 && ecap.length >= dmar)
    evidence.push(
      "the hardware offers interrupt remapping (told by ecap), but whether the kernel uses it is unknown: /proc/interrupts was not read",
    );
  return { inUse: null, evidence };
}

/**
 * allow_unsafe_interrupts as VFIO applies it: the loaded module's parameter, else (module not
 * loaded yet) the command line's vfio_iommu_type1.allow_unsafe_interrupts=, which applies when it
 * loads. Null when the sources that say were not read.
 */
function readAllowUnsafe(inventory: Inventory): { value: boolean | null; evidence: string } {
  const param = "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts";
  const { allowUnsafeInterrupts } = inventory.host.iommu;
  if (allowUnsafeInterrupts !== null) return { value: allowUnsafeInterrupts, evidence: `${param}: ${allowUnsafeInterrupts ? "Y" : "N"}` };
  const cmdlineRead = !unreadSource(inventory, "/proc/cmdline");
  const arg = cmdlineRead ? cmdlineArgs(inventory.host.kernelCmdline).get("vfio_iommu_type1.allow_unsafe_interrupts") : undefined;
  const fromCmdline = arg === undefined ? null : arg === "1" || arg === "Y" || arg === "y";
  if (arg !== undefined) return { value: fromCmdline, evidence: `/proc/cmdline: vfio_iommu_type1.allow_unsafe_interrupts=${arg}` };
  if (unreadSource(inventory, "/sys/module"))
    return {
      value: null,
      evidence: `${param}: not read (/sys/module was not read${cmdlineRead ? "; /proc/cmdline does not set it" : ""})`,
    };
  return {
    value: cmdlineRead ? false : null,
    evidence: `/sys/module/vfio_iommu_type1: not loaded${cmdlineRead ? "; /proc/cmdline does not set allow_unsafe_interrupts" : ""}`,
  };
}

/**
 * Interrupt remapping, or the unsafe opt-out. Sources: DOMAIN.md ("VFIO refuses unless
 * allow_unsafe_interrupts=1 (a security trade-off)"), seed 002 (Proxmox "Unsafe interrupts":
 * options vfio_iommu_type1 allow_unsafe_interrupts=1), seed 000 (set on the DGX-2), the VT-d
 * specification (ECAP_REG bit 3, IR) and the kernel's intel_irq_remapping (every unit must support it).
 */
export const interruptRemappingRule: AuditRule = {
  id: "kernel.interrupt-remapping",
  title: "Interrupt remapping (or allow_unsafe_interrupts)",
  layer: "kernel",
  run({ inventory }) {
    const iommu = readIommuState(inventory);
    const remapping = readRemapping(inventory);
    const unsafe = readAllowUnsafe(inventory);
    const evidence = [...remapping.evidence, unsafe.evidence];
    if (iommu.state === "off") return notApplicable(`${iommu.evidence}: interrupt remapping for VFIO depends on it (see iommu.groups)`);
    if (iommu.state === "unknown") return couldNotTell([iommu.evidence, ...evidence]);
    if (unsafe.value === true) {
      if (remapping.inUse === true)
        return result(
          "warn",
          [...evidence, "allow_unsafe_interrupts is on although remapping works: it only lowers protection"],
          "Remove `options vfio_iommu_type1 allow_unsafe_interrupts=1` from /etc/modprobe.d/*.conf and vfio_iommu_type1.allow_unsafe_interrupts=1 from the kernel command line.",
        );
      // Remapping off or unknown: either way VFIO runs without interrupt isolation, or with a needless opt-out.
      return result(
        "warn",
        [
          ...evidence,
          "VFIO accepts devices without interrupt remapping: a guest can inject interrupts (MSI spoofing): a security trade-off",
        ],
        "Enable interrupt remapping (x2APIC / VT-d IR or AMD-Vi IR in the BIOS) and then drop allow_unsafe_interrupts.",
      );
    }
    if (remapping.inUse === true) {
      if (unsafe.value === null)
        return couldNotTell([...evidence, "could not tell whether allow_unsafe_interrupts needlessly lowers protection"]);
      return result("pass", evidence);
    }
    if (remapping.inUse === null) return couldNotTell([...evidence, "could not tell whether interrupt remapping is in use"]);
    if (unsafe.value === null)
      return couldNotTell([
        ...evidence,
        "without remapping VFIO refuses devices unless allow_unsafe_interrupts is set, which could not be told",
      ]);
    return result(
      "fail",
      [...evidence, "without remapping VFIO refuses to assign devices"],
      "Enable interrupt remapping in the BIOS (x2APIC / VT-d IR); or, accepting the security trade-off, add `options vfio_iommu_type1 allow_unsafe_interrupts=1` to /etc/modprobe.d/vfio.conf (or vfio_iommu_type1.allow_unsafe_interrupts=1 to the kernel command line).",
    );
  },
};
