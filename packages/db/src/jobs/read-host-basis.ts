import type { Db } from "../create-db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

/**
 * The state a preview was made against, as an opaque token: the stored snapshot's content hash
 * and the last job that finished on the host (a job's result lands before the snapshot showing
 * it, so the hash alone would miss a change made in between). A confirm carrying an older token
 * is refused (409): another operator changed the host since the preview.
 */
export async function readHostBasis(db: Db | Prisma.TransactionClient, hostId: string): Promise<string> {
  const [row] = await db.$queryRaw<{ hash: string | null; last: string | null }[]>`
    SELECT h."snapshotHash" AS hash,
      (SELECT j.id FROM "Job" j WHERE j."hostId" = h.id AND j.state IN ('succeeded', 'failed', 'abandoned')
        ORDER BY j."finishedAt" DESC NULLS LAST, j.id DESC LIMIT 1) AS last
    FROM "Host" h WHERE h.id = ${hostId}`;
  return `${row?.hash ?? "none"}.${row?.last ?? "none"}`;
}
