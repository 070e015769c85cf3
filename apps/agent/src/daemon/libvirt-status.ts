import type { Inventory, LibvirtStatus } from "@vfleet/protocol";
import { assertLibvirtReachable, type Virsh } from "../libvirt/index.ts";

/** libvirtd rarely comes or goes; asking every scan (each second or two) would cost a virsh process each time. */
const RECHECK_MS = 30_000;

/**
 * Wrap a scan so each inventory says whether libvirtd answers (`host.libvirt`): the control plane
 * then refuses guest jobs up front with the fix, instead of queueing a job the agent must fail.
 */
export function withLibvirtStatus(scan: () => Promise<Inventory>, virsh: Virsh, now = () => Date.now()): () => Promise<Inventory> {
  let last: { status: LibvirtStatus; at: number } | null = null;
  const check = async (): Promise<LibvirtStatus> => {
    if (last && now() - last.at < RECHECK_MS) return last.status;
    let status: LibvirtStatus;
    try {
      const version = await assertLibvirtReachable(virsh);
      status = { reachable: true, uri: virsh.uri, detail: version.trim().slice(0, 2048) };
    } catch (err) {
      status = { reachable: false, uri: virsh.uri, detail: (err instanceof Error ? err.message : String(err)).slice(0, 2048) };
    }
    last = { status, at: now() };
    return status;
  };
  return async () => {
    const [inventory, libvirt] = await Promise.all([scan(), check()]);
    return { ...inventory, host: { ...inventory.host, libvirt } };
  };
}
