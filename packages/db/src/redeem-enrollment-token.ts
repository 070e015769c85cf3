import { Prisma } from "./generated/prisma/client.ts";
import type { Db } from "./create-db.ts";
import { generateSecret, hashSecret } from "./secrets.ts";

type Tx = Prisma.TransactionClient;

const MAX_HOSTNAME = 253;
// A concurrent enrollment may take the same host name between our read and insert.
const NAME_RACE_RETRIES = 5;

/**
 * Trade a one-time enrollment token for a new Host and its agent credential. Returns null for
 * an unknown, used or expired token. The token is claimed by a conditional UPDATE, so of two
 * concurrent redeems exactly one wins; the loser waits on the row lock and then sees it used.
 * The credential is returned once; only its sha256 is stored.
 */
export async function redeemEnrollmentToken(
  db: Db,
  options: { token: string; hostname: string; now?: Date },
): Promise<{ hostId: string; hostName: string; credential: string } | null> {
  if (typeof options.hostname !== "string" || options.hostname.length < 1 || options.hostname.length > MAX_HOSTNAME) {
    throw new Error(`redeemEnrollmentToken: hostname must be 1-${MAX_HOSTNAME} characters, got ${JSON.stringify(options.hostname)}`);
  }
  if (typeof options.token !== "string" || options.token.length === 0) return null;
  const tokenHash = hashSecret(options.token);
  const now = options.now ?? new Date();
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((tx) => claimAndEnroll(tx, tokenHash, options.hostname, now));
    } catch (error) {
      const nameTaken = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
      if (!nameTaken || attempt >= NAME_RACE_RETRIES) throw error;
    }
  }
}

async function claimAndEnroll(tx: Tx, tokenHash: string, hostname: string, now: Date) {
  const [claimed] = await tx.enrollmentToken.updateManyAndReturn({
    where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
    select: { id: true, hostName: true },
  });
  if (!claimed) return null;
  const name = await pickFreeHostName(tx, claimed.hostName ?? hostname);
  const host = await tx.host.create({ data: { name, hostname }, select: { id: true } });
  const credential = generateSecret("vfa");
  await tx.agentCredential.create({ data: { hostId: host.id, secretHash: hashSecret(credential) } });
  await tx.enrollmentToken.update({ where: { id: claimed.id }, data: { hostId: host.id } });
  return { hostId: host.id, hostName: name, credential };
}

/** `base`, else `base-2`, `base-3`...: the first name no host has. */
async function pickFreeHostName(tx: Tx, base: string): Promise<string> {
  const taken = await tx.host.findMany({ where: { OR: [{ name: base }, { name: { startsWith: `${base}-` } }] }, select: { name: true } });
  const names = new Set(taken.map((host) => host.name));
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) if (!names.has(`${base}-${n}`)) return `${base}-${n}`;
}
