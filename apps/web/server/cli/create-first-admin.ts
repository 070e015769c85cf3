import { randomBytes } from "node:crypto";
import type { Db } from "@vfleet/db";
import { SetupRequest } from "../../lib/auth/identity-api-schemas.ts";
import { createUser } from "../auth/create-user.ts";

export type CreateFirstAdminResult = { ok: true; username: string; password: string; generated: boolean } | { ok: false; error: string };

/**
 * The first admin, from the command line: only while no user exists (as the `/setup` page),
 * unless `force` (an operator with shell access who lost every admin). Without a password one is
 * generated (24 random bytes) and returned once. The same limits as the API's, named in the error.
 */
export async function createFirstAdmin(
  db: Db,
  input: { username: string; password?: string; force?: boolean },
): Promise<CreateFirstAdminResult> {
  const generated = input.password === undefined;
  const password = input.password ?? randomBytes(24).toString("base64url");
  const parsed = SetupRequest.safeParse({ username: input.username, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${issue.path.join(".")}: ${issue.message}` };
  }
  const created = await createUser(db, { ...parsed.data, role: "admin", onlyIfNoUsers: !input.force });
  if (!created.ok) return { ok: false, error: input.force ? created.error : `${created.error} (--force adds another admin anyway)` };
  return { ok: true, username: created.user.username, password, generated };
}
