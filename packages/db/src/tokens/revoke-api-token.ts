import type { Db } from "../create-db.ts";
import { API_TOKEN_VIEW, type ApiTokenView } from "./create-api-token.ts";

/** Revoke a token by id; null when there is none. Revoking twice keeps the first time. */
export async function revokeApiToken(db: Db, id: string, now: Date = new Date()): Promise<ApiTokenView | null> {
  await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  return db.apiToken.findUnique({ where: { id }, select: API_TOKEN_VIEW });
}
