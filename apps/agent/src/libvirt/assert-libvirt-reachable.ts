import type { Virsh } from "./virsh.ts";
import { VirshError } from "./virsh-error.ts";

/**
 * Fail with instructions when virsh or libvirtd is missing, instead of letting the first real
 * operation fail with a bare socket error. Returns `virsh version`'s text.
 */
export async function assertLibvirtReachable(virsh: Virsh): Promise<string> {
  try {
    return await virsh.version();
  } catch (err) {
    if (!(err instanceof VirshError)) throw err;
    const fix =
      err.code === "virsh-missing"
        ? "install it: apt-get install -y libvirt-daemon libvirt-clients qemu-system-x86, then run scripts/start-libvirtd.sh"
        : "start libvirtd: run scripts/start-libvirtd.sh as root (creates the kvm group and libvirt-qemu user, starts libvirtd -d and virtlogd -d)";
    throw new Error(`libvirt is not usable on ${virsh.uri}: ${err.libvirtMessage}\n-> ${fix}`, { cause: err });
  }
}
