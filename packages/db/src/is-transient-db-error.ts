/**
 * PostgreSQL or pool trouble that a later try can get past: no connection in time, a
 * transaction that could not start or timed out, a dropped connection, a deadlock or
 * serialisation failure, too many connections. Bad data is not transient: retrying it only
 * fails again. Walks `cause`, since storeSnapshot wraps what it caught.
 */
export function isTransientDbError(err: unknown): boolean {
  const PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]);
  const PG = new Set(["40001", "40P01", "53300", "57P01", "57P03", "08000", "08003", "08006"]);
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (PRISMA.has(code) || PG.has(code))) return true;
    const message = e instanceof Error ? e.message : "";
    if (
      /Unable to start a transaction|Transaction already closed|timeout exceeded when trying to connect|Connection terminated|ECONNRESET|ECONNREFUSED/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}
