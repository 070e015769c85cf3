import type { Db } from "./create-db.ts";
import { hashSecret } from "./secrets.ts";

/** The host a token enrolled, or null while it is unused (the SSH installer waits on this). */
export async function hostOfEnrollmentToken(db: Db, token: string): Promise<string | null> {
  const row = await db.enrollmentToken.findUnique({ where: { tokenHash: hashSecret(token) }, select: { hostId: true } });
  return row?.hostId ?? null;
}
