import type { Db } from "../create-db.ts";
import type { Role } from "../generated/prisma/enums.ts";
import { hashSecret } from "../secrets.ts";

/** Tokens are used on every request; recording each use would write a row per API call. */
const LAST_USED_GRANULARITY_MS = 60_000;

/** The token's identity, or null when it is unknown, revoked or expired (checked on every request: revocation is immediate). */
export async function authenticateApiToken(
  db: Db,
  token: string,
  now: Date = new Date(),
): Promise<{ id: string; name: string; role: Role } | null> {
  if (!token.startsWith("vft_")) return null;
  const found = await db.apiToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { id: true, name: true, role: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
  });
  if (!found || found.revokedAt !== null || (found.expiresAt !== null && found.expiresAt <= now)) return null;
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    await db.apiToken.update({ where: { id: found.id }, data: { lastUsedAt: now } });
  }
  return { id: found.id, name: found.name, role: found.role };
}
