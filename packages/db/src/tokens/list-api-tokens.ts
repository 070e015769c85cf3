import type { Db } from "../create-db.ts";
import { API_TOKEN_VIEW, type ApiTokenView } from "./create-api-token.ts";

/** Every token, newest first, without its secret (only a hash is stored anyway). */
export async function listApiTokens(db: Db): Promise<ApiTokenView[]> {
  return db.apiToken.findMany({ orderBy: { createdAt: "desc" }, select: API_TOKEN_VIEW });
}
