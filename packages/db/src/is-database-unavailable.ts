/** Connection-level failures: the server is down, restarting, refusing, or unreachable. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN",
  // PostgreSQL: admin/crash shutdown, cannot connect now (starting or stopping), too many connections.
  "57P01", "57P02", "57P03", "53300",
  // Prisma: cannot reach the database server, timed out, closed the connection.
  "P1001", "P1002", "P1017",
]);

/** Prisma's driver adapter's own classification (meta.driverAdapterError.cause.kind). */
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TlsConnectionError"]);

const UNAVAILABLE_MESSAGES = /Connection terminated|connection is closed|Can't reach database server|server closed the connection|Connection refused|the database system is (starting up|shutting down)/i;

/**
 * Whether an error says the database cannot be reached (as opposed to a bad query or a
 * constraint): the caller answers 503 and the client retries later. Walks the `cause` chain,
 * since Prisma's driver adapter wraps node-postgres's error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== "object") return typeof e === "string" && UNAVAILABLE_MESSAGES.test(e);
    const { code, message, originalCode, meta } = e as { code?: unknown; message?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
    const kind = meta?.driverAdapterError?.cause?.kind;
    if (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof originalCode === "string" && UNAVAILABLE_CODES.has(originalCode)) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
  }
  return false;
}
