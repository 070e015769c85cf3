import type { Db } from "./create-db.ts";

/** The SSH installer's record of a hypervisor: the pinned host key and what was installed. */
export interface SshTargetRow {
  id: string;
  address: string;
  port: number;
  user: string;
  hostName: string;
  hostKeySha256: string;
  hostId: string | null;
  agentSha256: string | null;
  installedAt: Date | null;
}

export function findSshTarget(db: Db, address: string, port: number): Promise<SshTargetRow | null> {
  return db.sshTarget.findUnique({ where: { address_port: { address, port } } });
}

export function listSshTargets(db: Db): Promise<SshTargetRow[]> {
  return db.sshTarget.findMany({ orderBy: [{ address: "asc" }, { port: "asc" }] });
}

/**
 * Pin a host key on first contact (the operator confirmed it). A target already pinned keeps its
 * key: changing it is never a side effect of an install.
 */
export async function pinSshTarget(
  db: Db,
  t: { address: string; port: number; user: string; hostName: string; hostKeySha256: string },
): Promise<SshTargetRow> {
  return db.sshTarget.upsert({
    where: { address_port: { address: t.address, port: t.port } },
    create: t,
    update: { user: t.user, hostName: t.hostName },
  });
}

export function recordSshInstall(
  db: Db,
  id: string,
  installed: { hostId: string | null; agentSha256: string | null },
): Promise<SshTargetRow> {
  return db.sshTarget.update({ where: { id }, data: { ...installed, installedAt: installed.agentSha256 ? new Date() : null } });
}
