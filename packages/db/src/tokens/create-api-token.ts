import type { Db } from "../create-db.ts";
import type { Role } from "../generated/prisma/enums.ts";
import { generateSecret, hashSecret } from "../secrets.ts";

export const MAX_API_TOKEN_TTL_SEC = 366 * 24 * 3600;

export type ApiTokenView = {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export const API_TOKEN_VIEW = {
  id: true,
  name: true,
  role: true,
  createdBy: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/**
 * A new API token. Only its sha256 is stored: the token is returned once. `{ ok: false }` when
 * the name is taken (names stay unique after revocation so the audit log's actor names one token).
 */
export async function createApiToken(
  db: Db,
  input: { name: string; role: Role; createdBy: string; ttlSec?: number; now?: Date },
): Promise<{ ok: true; token: string; apiToken: ApiTokenView } | { ok: false; error: "name-taken" }> {
  const now = input.now ?? new Date();
  const token = generateSecret("vft");
  const expiresAt = input.ttlSec === undefined ? null : new Date(now.getTime() + input.ttlSec * 1000);
  const taken = await db.apiToken.findUnique({ where: { name: input.name }, select: { id: true } });
  if (taken) return { ok: false, error: "name-taken" };
  try {
    const apiToken = await db.apiToken.create({
      data: { name: input.name, role: input.role, createdBy: input.createdBy, tokenHash: hashSecret(token), createdAt: now, expiresAt },
      select: API_TOKEN_VIEW,
    });
    return { ok: true, token, apiToken };
  } catch (err) {
    // Two creations with one name at once: the unique index decides.
    if ((err as { code?: string }).code === "P2002") return { ok: false, error: "name-taken" };
    throw err;
  }
}
