import type { PciDevice } from "@vfleet/protocol";
import type { DeviceFacts } from "./device-facts.ts";
import { isBridge } from "./iommu-group.ts";

/**
 * System bridges (host 0600, ISA/LPC 0601, EISA 0602, MicroChannel 0603, PCMCIA 0605, NuBus 0606,
 * RACEway 0608) have ordinary headers, so VFIO would take them, but they carry the platform itself
 * (an LPC bridge holds the watchdog, GPIO and the legacy I/O behind the firmware). "Other" bridges
 * (0680) are left assignable on purpose: NVSwitches are 0680 and NVIDIA's shared-NVSwitch mode
 * passes them to a service VM.
 */
const SYSTEM_BRIDGE = /^060[0-35-68]/;

/**
 * Why a device must never be handed to vfio-pci or a guest, or null when it is an endpoint that
 * may be. Only endpoints are assigned: a PCI bridge (PCI-to-PCI 0604, CardBus 0607,
 * semi-transparent 0609) routes other devices' traffic and vfio-pci refuses bridge headers, and a
 * system bridge (above) is the platform's own; a PF with VFs loses them all when vfio-pci takes it
 * from its driver (SR-IOV is disabled on unbind), pulling them out from under every guest and host
 * interface using one. One definition for the agent's refusal and the control plane's check before
 * queueing.
 */
export function whyNotAssignable(d: Pick<PciDevice, "address" | "classCode" | "sriov">): string | null {
  if (isBridge(d))
    return `${d.address} is a PCI bridge (class ${d.classCode.slice(0, 4)}), not an endpoint: only endpoints can be assigned`;
  if (SYSTEM_BRIDGE.test(d.classCode))
    return `${d.address} is a system bridge (class ${d.classCode.slice(0, 4)}) the host platform runs on, not an endpoint: only endpoints can be assigned`;
  if (d.sriov && d.sriov.numVfs > 0) return `${d.address} is an SR-IOV PF with ${d.sriov.numVfs} VFs`;
  return null;
}

/** The same, looked up by address; null for an address the inventory does not list. */
export function whyNotAssignableIn(inv: DeviceFacts, bdf: string): string | null {
  const d = inv.devices.find((x) => x.address === bdf);
  return d ? whyNotAssignable(d) : null;
}
