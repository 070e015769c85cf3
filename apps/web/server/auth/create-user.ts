import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type { Db } from "@vfleet/db";
import type { Role } from "../../lib/auth/roles.ts";
import { emailOf } from "./create-auth.ts";

/** Serialises first-run setups: only the first one may create the admin. */
const SETUP_LOCK_KEY = 0x7666_6c74; // "vflt"

export type CreateUserResult = { ok: true; user: { id: string; username: string; role: Role } } | { ok: false; status: 409; error: string };

/**
 * A user who signs in with a user name and password, stored the way better-auth reads them (a
 * User row and a "credential" Account holding its scrypt hash). With `onlyIfNoUsers` (first run),
 * a transaction-scoped advisory lock makes two concurrent first runs create one admin.
 */
export async function createUser(
  db: Db,
  input: { username: string; password: string; role: Role; onlyIfNoUsers?: boolean },
): Promise<CreateUserResult> {
  const username = input.username.toLowerCase();
  const hash = await hashPassword(input.password);
  const id = randomUUID();
  return db.$transaction(async (tx) => {
    if (input.onlyIfNoUsers) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK_KEY})`;
      if ((await tx.user.count()) > 0) return { ok: false, status: 409, error: "setup is done: an admin exists, sign in instead" } as const;
    }
    if (await tx.user.findUnique({ where: { username }, select: { id: true } })) {
      return { ok: false, status: 409, error: `username: ${username} is taken` } as const;
    }
    await tx.user.create({
      data: {
        id,
        name: input.username,
        username,
        displayUsername: input.username,
        email: emailOf(username),
        role: input.role,
        accounts: { create: { id: randomUUID(), accountId: id, providerId: "credential", password: hash } },
      },
    });
    return { ok: true, user: { id, username, role: input.role } } as const;
  });
}
