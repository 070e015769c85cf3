import type { Db } from "../create-db.ts";

/**
 * Where the fleet's candidate version stands (the `vfleet_candidate_version` sequence): it moves
 * whenever a host could have become a better placement candidate (more capacity in its node
 * sums, a host added, back online or relabelled), so a prefilter answer read at an older
 * version may miss it. One tiny read, outside any transaction (sequences are not transactional).
 */
export async function readCandidateVersion(db: Pick<Db, "$queryRaw">): Promise<string> {
  const [row] = await db.$queryRaw<
    { v: bigint; called: boolean }[]
  >`SELECT last_value AS v, is_called AS called FROM "vfleet_candidate_version"`;
  return `${row!.v}.${row!.called}`;
}
