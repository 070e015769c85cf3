import type { AuditRule } from "../types.ts";
import { result } from "../rule-helpers.ts";

/**
 * Interrupt remapping, or the unsafe opt-out. Sources: DOMAIN.md ("VFIO refuses unless
 * allow_unsafe_interrupts=1 (a security trade-off)"), seed 002 (Proxmox "Unsafe interrupts":
 * options vfio_iommu_type1 allow_unsafe_interrupts=1), seed 000 (set on the DGX-2).
 */
export const interruptRemappingRule: AuditRule = {
  id: "kernel.interrupt-remapping",
  title: "Interrupt remapping (or allow_unsafe_interrupts)",
  layer: "kernel",
  run({ inventory }) {
    const { interruptRemapping, allowUnsafeInterrupts, enabled } = inventory.host.iommu;
    const ir =
      interruptRemapping === null
        ? "could not be told"
        : interruptRemapping
          ? "on (IR- chips in /proc/interrupts)"
          : "off (no IR- chips in /proc/interrupts)";
    const evidence = [
      `interrupt remapping: ${ir}`,
      `/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts: ${allowUnsafeInterrupts === null ? "not readable (module not loaded)" : allowUnsafeInterrupts ? "Y" : "N"}`,
    ];
    if (!enabled) return result("not-applicable", [...evidence, "the IOMMU is off (see iommu.groups): interrupt remapping depends on it"]);
    if (interruptRemapping === true) {
      if (allowUnsafeInterrupts)
        return result(
          "warn",
          [...evidence, "allow_unsafe_interrupts is on although remapping works: it only lowers protection"],
          "Remove `options vfio_iommu_type1 allow_unsafe_interrupts=1` from /etc/modprobe.d/*.conf and vfio_iommu_type1.allow_unsafe_interrupts=1 from the kernel command line.",
        );
      return result("pass", evidence);
    }
    if (allowUnsafeInterrupts) {
      return result(
        "warn",
        [
          ...evidence,
          "VFIO accepts devices without interrupt remapping: a guest can inject interrupts (MSI spoofing): a security trade-off",
        ],
        "Enable interrupt remapping (x2APIC / VT-d IR or AMD-Vi IR in the BIOS) and then drop allow_unsafe_interrupts.",
      );
    }
    const status = interruptRemapping === false ? "fail" : "warn";
    return result(
      status,
      [...evidence, "without remapping VFIO refuses to assign devices"],
      "Enable interrupt remapping in the BIOS (x2APIC / VT-d IR); or, accepting the security trade-off, add `options vfio_iommu_type1 allow_unsafe_interrupts=1` to /etc/modprobe.d/vfio.conf (or vfio_iommu_type1.allow_unsafe_interrupts=1 to the kernel command line).",
    );
  },
};
