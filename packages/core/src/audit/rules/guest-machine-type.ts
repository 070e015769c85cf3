import type { AuditRule } from "../types.ts";
import { notApplicable, result } from "../rule-helpers.ts";
import { guestFunctions, NO_GUEST } from "./guest-functions.ts";

/**
 * Machine type fits the device count. q35 puts each PCIe device on its own pcie-root-port
 * (libvirt adds them; multifunction ports make about 256 devices the practical ceiling);
 * i440fx has one conventional PCI bus of 32 slots (host bridge, PIIX and VGA take 3), more needs
 * pci-bridges. Sources: DOMAIN.md (libvirt section), seed 000 (160 devices reached on
 * pc-i440fx-bionic via bridges), seed 002 (pcie=on only on q35).
 */
const MAX_GUEST_DEVICES = 256;
const I440FX_FREE_SLOTS = 29;

export const guestMachineTypeRule: AuditRule = {
  id: "guest.machine-type",
  title: "Machine type and PCIe topology fit the device count",
  layer: "guest",
  run(ctx) {
    const g = guestFunctions(ctx);
    if (!g) return notApplicable(NO_GUEST);
    const n = g.functions.length + g.unknown.length;
    const machine = g.guest.machine;
    const evidence = [
      `<os><type machine='${machine ?? "(none)"}'>, ${n} passthrough device(s), ${g.guest.pcieRootPorts} PCI controller(s) beyond the root`,
    ];
    if (n > MAX_GUEST_DEVICES)
      return result(
        "fail",
        [...evidence, `${n} devices > ~${MAX_GUEST_DEVICES}, the practical ceiling per guest (multifunction root ports)`],
        `Split the devices over guests: at most ${MAX_GUEST_DEVICES} per guest.`,
      );
    if (n === 0) return notApplicable(`guest ${g.guest.name} has no passthrough device`);
    const q35 = "<type arch='x86_64' machine='q35'>hvm</type>";
    if (!machine) return result("warn", [...evidence, "no machine type: the hypervisor default applies"], q35);
    if (/q35/.test(machine)) {
      const ports =
        g.guest.pcieRootPorts >= n
          ? "enough ports defined"
          : `libvirt adds ${n - g.guest.pcieRootPorts} pcie-root-port(s) at define; add spare ports for live hot-plug`;
      return result("pass", [...evidence, `q35: one pcie-root-port per device, ${ports}`]);
    }
    if (/i440fx|^pc(-|$)/.test(machine)) {
      if (n <= I440FX_FREE_SLOTS) return result("pass", [...evidence, `i440fx: ${n} of ${I440FX_FREE_SLOTS} free slots on the PCI bus`]);
      return result(
        "warn",
        [
          ...evidence,
          `i440fx: ${n} devices > ${I440FX_FREE_SLOTS} free slots: needs pci-bridge controllers (libvirt adds them) and devices appear as conventional PCI (no PCIe extended config space)`,
        ],
        `${q35}   # PCIe root ports, PCIe config space for the devices`,
      );
    }
    return result("not-applicable", [...evidence, "not an x86 PC machine type: no slot model for it"]);
  },
};
