import type { CandidateQuery, Db, RankedCandidate, findRankedCandidateHosts, readCandidateVersion } from "@vfleet/db";

/**
 * The SQL prefilter's answer shared by the placements of a process that ask the same question
 * (one query in flight per question). The prefilter is the one step whose cost grows with the
 * fleet, and it only chooses whom to look at: each placement still ranks the candidates on their
 * current per-PF counts and decides and reserves on their rows. So an answer stays good while
 * the fleet only loses capacity (reservations), and is asked again as soon as a host could have
 * become a better candidate: the database's candidate version moved (more capacity, a host
 * added, back online or relabelled), or, to bound what a missed change could cost, after
 * `CANDIDATES_TTL_MS`. It is read wider (`CANDIDATES_KEPT`) than one request looks at
 * (`CANDIDATES_PER_REQUEST`); each request takes the best of them by the prefilter's own key,
 * equally good ones in an order of its own, as the prefilter would have given it: concurrent
 * requests then spread over many alike hosts instead of all reaching for the same one.
 */
export const CANDIDATES_TTL_MS = 2000;
const CANDIDATES_KEPT = 128;
const CANDIDATES_PER_REQUEST = 8;

type Entry = { at: number; version: string; ranked: Promise<RankedCandidate[] | null> };

/**
 * The candidate version for a request, read by a statement that starts after the request did
 * (a read already on its way may predate a change the request must see), shared by every
 * request that arrives while one is on its way: concurrent requests then wait for the next read
 * together, one statement for all of them instead of one each.
 */
type VersionReads = { running: Promise<string> | null; next: Promise<string> | null };
const versionReads = new WeakMap<Db, VersionReads>();

function readVersionAfterNow(db: Db, q: Queries): Promise<string> {
  let r = versionReads.get(db);
  if (!r) versionReads.set(db, (r = { running: null, next: null }));
  const reads = r;
  const start = (): Promise<string> => {
    const read = q.readCandidateVersion(db);
    reads.running = read;
    const done = () => {
      if (reads.running === read) reads.running = null;
    };
    read.then(done, done);
    return read;
  };
  if (!reads.running) return start();
  reads.next ??= reads.running
    .catch(() => undefined)
    .then(() => {
      reads.next = null;
      return start();
    });
  return reads.next;
}
const caches = new WeakMap<Db, Map<string, Entry>>();

let ttlMs = CANDIDATES_TTL_MS;
/** 0 turns sharing off (the placement benchmark's peer runs the prefilter for every request). */
export function setCandidatesTtl(ms: number): void {
  ttlMs = ms;
}

type Queries = { findRankedCandidateHosts: typeof findRankedCandidateHosts; readCandidateVersion: typeof readCandidateVersion };

/**
 * `ids`: the candidates this request looks at, best first, equally good ones in its own order;
 * `cut`: more were equally good than it looks at, so the caller breaks ties in this order (not
 * by name: every request would then reach for the same first names of the shared answer).
 */
export async function sharedCandidates(
  db: Db,
  q: Queries,
  query: CandidateQuery,
  fresh: boolean,
): Promise<{ ids: string[] | null; cut: boolean; version?: string }> {
  const { spread, limit: _limit, ...question } = query;
  if (ttlMs === 0) return pick(await q.findRankedCandidateHosts(db, { ...question, spread, limit: CANDIDATES_PER_REQUEST }), spread);
  const key = JSON.stringify(question);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  // Read before the prefilter: a change committed after this read moves the version past it.
  const version = await readVersionAfterNow(db, q);
  const now = performance.now();
  for (const [k, e] of cache) if (now - e.at > ttlMs) cache.delete(k);
  let entry = cache.get(key);
  if (fresh || !entry || entry.version !== version) {
    const ranked = q.findRankedCandidateHosts(db, { ...question, limit: CANDIDATES_KEPT });
    const made: Entry = { at: now, version, ranked };
    entry = made;
    cache.set(key, made);
    // A failed read is not kept: the next request asks again.
    ranked.catch(() => {
      if (cache.get(key) === made) cache.delete(key);
    });
  }
  return { ...pick(await entry.ranked, spread), version };
}

/** The request's share: the best by the prefilter's key, equally good hosts in an order drawn from its offset. */
function pick(ranked: RankedCandidate[] | null, spread: number | undefined): { ids: string[] | null; cut: boolean } {
  if (!ranked) return { ids: null, cut: false };
  const salt = spread ?? 0;
  const tie = (id: string) => (salt === 0 ? 0 : hash(`${id}/${salt}`));
  const ordered = ranked
    .map((c) => ({ ...c, tie: tie(c.hostId) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2] || a.tie - b.tie || (a.hostId < b.hostId ? -1 : 1));
  return { ids: ordered.slice(0, CANDIDATES_PER_REQUEST).map((c) => c.hostId), cut: ordered.length > CANDIDATES_PER_REQUEST };
}

/** FNV-1a: a cheap, well-spread order among equal hosts. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
