import { bdfToAddressAttributes, checkBdf, checkBoolean, checkInt, checkUnicastMac } from "./check-libvirt-fields.ts";
import { escapeXml } from "./escape-xml.ts";
import { LibvirtInputError } from "./libvirt-input-error.ts";

export type HostdevInterfaceOptions = {
  /** Host PCI address of the VF, `0000:86:00.2`. */
  address: string;
  /** MAC libvirt programs into the VF (on the PF) before the guest starts. */
  mac?: string;
  /** 802.1Q tag libvirt programs into the VF; 4095 is reserved by the standard. */
  vlan?: { id: number; qos?: number };
  managed?: boolean;
};

/**
 * `<interface type='hostdev'>`: a VF passed through like a `<hostdev>`, but libvirt also sets
 * its MAC and VLAN on the PF first, so the guest gets the network identity the operator chose.
 */
export function buildHostdevInterfaceXml(options: HostdevInterfaceOptions, field = "interface"): string {
  const address = checkBdf(`${field}.address`, options.address);
  const managed = checkBoolean(`${field}.managed`, options.managed ?? true);
  const mac = options.mac === undefined ? undefined : checkUnicastMac(`${field}.mac`, options.mac);
  let vlanXml = "";
  if (options.vlan !== undefined) {
    if (options.vlan === null || typeof options.vlan !== "object") {
      throw new LibvirtInputError(`${field}.vlan`, "must be an object { id, qos? }", options.vlan);
    }
    const id = checkInt(`${field}.vlan.id`, options.vlan.id, 0, 4094);
    const qos = options.vlan.qos === undefined ? 0 : checkInt(`${field}.vlan.qos`, options.vlan.qos, 0, 7);
    // libvirt's <vlan><tag> has no priority attribute and libvirt writes the VF's VLAN with
    // qos 0 at guest start, overwriting anything set earlier: a non-zero qos here would be
    // silently lost, so refuse it and say where it can be set.
    if (qos !== 0) {
      throw new LibvirtInputError(
        `${field}.vlan.qos`,
        "must be 0 for a libvirt <interface type='hostdev'>: libvirt's <vlan> cannot carry an 802.1p priority and resets it at guest start; use a <hostdev> and set the VLAN with qos on the PF (ip link set <pf> vf <n> vlan <id> qos <q>)",
        qos,
      );
    }
    vlanXml = `<vlan><tag id='${escapeXml(String(id))}'/></vlan>`;
  }
  return (
    `<interface type='hostdev' managed='${managed ? "yes" : "no"}'>` +
    (mac ? `<mac address='${escapeXml(mac)}'/>` : "") +
    `<source><address type='pci' ${bdfToAddressAttributes(address)}/></source>` +
    vlanXml +
    `</interface>`
  );
}
