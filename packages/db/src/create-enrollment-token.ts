import type { Db } from "./create-db.ts";
import { generateSecret, hashSecret } from "./secrets.ts";

const DEFAULT_ENROLLMENT_TTL_SEC = 3600;
const MAX_ENROLLMENT_TTL_SEC = 30 * 24 * 3600;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * A one-time enrollment token for one host. Only its sha256 is stored: the token itself is
 * returned once, for the operator or the SSH installer to hand to the agent.
 */
export async function createEnrollmentToken(
  db: Db,
  options: { hostName?: string; ttlSec?: number; now?: Date } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const ttlSec = options.ttlSec ?? DEFAULT_ENROLLMENT_TTL_SEC;
  if (!Number.isInteger(ttlSec) || ttlSec < 1 || ttlSec > MAX_ENROLLMENT_TTL_SEC) {
    throw new Error(`createEnrollmentToken: ttlSec must be an integer from 1 to ${MAX_ENROLLMENT_TTL_SEC} (30 days), got ${ttlSec}`);
  }
  if (options.hostName !== undefined && !HOST_NAME.test(options.hostName)) {
    throw new Error(
      `createEnrollmentToken: hostName must be 1-63 characters of A-Z a-z 0-9 _ . - starting with a letter or digit, got ${JSON.stringify(options.hostName)}`,
    );
  }
  const token = generateSecret("vfe");
  const expiresAt = new Date((options.now ?? new Date()).getTime() + ttlSec * 1000);
  await db.enrollmentToken.create({ data: { tokenHash: hashSecret(token), hostName: options.hostName ?? null, expiresAt } });
  return { token, expiresAt };
}
