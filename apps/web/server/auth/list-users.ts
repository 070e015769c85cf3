import type { Db } from "@vfleet/db";

/** Every user with their role, oldest first (the first is the admin who set the control plane up). */
export async function listUsers(db: Db): Promise<{ id: string; username: string; role: string; createdAt: Date }[]> {
  const users = await db.user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, username: true, name: true, role: true, createdAt: true },
  });
  return users.map((u) => ({ id: u.id, username: u.username ?? u.name, role: u.role, createdAt: u.createdAt }));
}
