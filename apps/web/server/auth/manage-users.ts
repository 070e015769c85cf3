import { hashPassword } from "better-auth/crypto";
import type { Db } from "@vfleet/db";
import type { Role } from "../../lib/auth/roles.ts";

/** Serialises changes that could remove the last admin: two admins demoting each other at once leave one. */
const ADMIN_LOCK_KEY = 0x7666_6c61; // "vfla"

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type ManageUserResult =
  | { ok: true; user: { id: string; username: string; role: Role }; sessionsEnded: number }
  | { ok: false; status: 404 | 409; field: string; error: string };

const notFound = (id: string) => ({ ok: false, status: 404, field: "userId", error: `userId: no user ${id}` }) as const;

/** Refuses when `id` is an admin and no other admin would remain: the control plane would have nobody to manage it. */
async function lastAdminRefusal(tx: Tx, user: { id: string; username: string; role: Role }, field: string, doing: string) {
  if (user.role !== "admin") return null;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_LOCK_KEY})`;
  const others = await tx.user.count({ where: { role: "admin", id: { not: user.id } } });
  if (others > 0) return null;
  return {
    ok: false,
    status: 409,
    field,
    error: `${field}: ${user.username} is the last admin; ${doing} would leave nobody to manage users. Make another user admin first.`,
  } as const;
}

const userOf = (u: { id: string; username: string | null; name: string; role: Role }) => ({
  id: u.id,
  username: u.username ?? u.name,
  role: u.role,
});

/**
 * Changes a user's role and/or password. A new role applies from the user's next request (the
 * session row is read every time); a new password ends the user's sessions, so whoever knew
 * the old one is signed out. Never demotes the last admin.
 */
export async function updateUser(db: Db, id: string, change: { role?: Role; password?: string }): Promise<ManageUserResult> {
  const hash = change.password === undefined ? undefined : await hashPassword(change.password);
  return db.$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where: { id }, select: { id: true, username: true, name: true, role: true } });
    if (!found) return notFound(id);
    const user = userOf(found);
    if (change.role !== undefined && change.role !== "admin") {
      const refused = await lastAdminRefusal(tx, user, "role", `making them ${change.role}`);
      if (refused) return refused;
    }
    if (change.role !== undefined) await tx.user.update({ where: { id }, data: { role: change.role } });
    let sessionsEnded = 0;
    if (hash !== undefined) {
      await tx.account.updateMany({ where: { userId: id, providerId: "credential" }, data: { password: hash } });
      sessionsEnded = (await tx.session.deleteMany({ where: { userId: id } })).count;
    }
    return { ok: true, user: { ...user, role: change.role ?? user.role }, sessionsEnded } as const;
  });
}

/** Deletes a user with their sessions and password (cascade). Never the last admin. */
export async function deleteUser(db: Db, id: string): Promise<ManageUserResult> {
  return db.$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where: { id }, select: { id: true, username: true, name: true, role: true } });
    if (!found) return notFound(id);
    const user = userOf(found);
    const refused = await lastAdminRefusal(tx, user, "userId", "deleting them");
    if (refused) return refused;
    const sessionsEnded = await tx.session.count({ where: { userId: id } });
    await tx.user.delete({ where: { id } });
    return { ok: true, user, sessionsEnded } as const;
  });
}
