import { bdfToAddressAttributes, checkBdf, checkBoolean } from "./check-libvirt-fields.ts";
import { LibvirtInputError } from "./libvirt-input-error.ts";

export type HostdevOptions = {
  /** Host PCI address of the device or VF, `0000:86:00.2`. */
  address: string;
  /** libvirt detaches the device from its host driver at guest start (default true). */
  managed?: boolean;
  /** Only VFIO: the legacy KVM assignment backend is gone from current kernels. */
  driver?: "vfio";
};

/**
 * `<hostdev mode='subsystem' type='pci'>` for `virsh attach-device` or a domain's `<devices>`.
 * No guest-side `<address>`: libvirt picks a free PCIe root port itself (DOMAIN.md "libvirt").
 */
export function buildHostdevXml(options: HostdevOptions, field = "hostdev"): string {
  const address = checkBdf(`${field}.address`, options.address);
  const managed = checkBoolean(`${field}.managed`, options.managed ?? true);
  const driver = options.driver ?? "vfio";
  if (driver !== "vfio") throw new LibvirtInputError(`${field}.driver`, "must be 'vfio'", driver);
  return (
    `<hostdev mode='subsystem' type='pci' managed='${managed ? "yes" : "no"}'>` +
    `<driver name='vfio'/>` +
    `<source><address ${bdfToAddressAttributes(address)}/></source>` +
    `</hostdev>`
  );
}
