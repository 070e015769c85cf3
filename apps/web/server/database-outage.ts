import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@vfleet/db";
import type { Log } from "./logger.ts";
import { escapeHtml, wantsJson } from "./plain-answer.ts";

/** Told to clients in Retry-After: an embedded PostgreSQL restarts in about a second, a failover takes longer. */
const DATABASE_RETRY_AFTER_SEC = 5;
/** A probe that has not answered by then counts as "unreachable" (a hung server, a cut network). */
const PROBE_TIMEOUT_MS = 2_000;
/** While the database is down, requests are answered at once and the probe runs at most this often. */
const RECHECK_MS = 1_000;

/** Static files need no database: the 503 page must not stop them. */
const needsDatabase = (path: string) => !path.startsWith("/_next/static/") && path !== "/favicon.ico";

/**
 * PostgreSQL is the system of record: without it no page or API answer is true. Every answer
 * the control plane would give with a 5xx is held until a probe (`SELECT 1`) says whether the
 * database is reachable; when it is not, the client gets 503 with the cause and Retry-After
 * instead of Next's bodiless 500. While a probe says down, requests are answered 503 at once
 * (no pile-up on a dead pool) and the next probe runs at most every second.
 */
export function createDatabaseOutageGuard(deps: { db: Db; log: Log }) {
  let down: { reason: string; at: number } | null = null;
  let probing: Promise<string | null> | null = null;

  /** null when the database answered; else why not. */
  const probe = (): Promise<string | null> => {
    probing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          deps.db.$queryRaw`SELECT 1`,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
          }),
        ]);
        if (down) deps.log("info", "database reachable again", { downForMs: Date.now() - down.at });
        down = null;
        return null;
      } catch (err) {
        const reason = describe(err);
        if (!down) deps.log("error", "database unreachable", { reason });
        down = { reason, at: down?.at ?? Date.now() };
        return reason;
      } finally {
        clearTimeout(timer);
        probing = null;
      }
    })();
    return probing;
  };
  let lastProbeAt = 0;
  const knownDown = async (): Promise<string | null> => {
    if (!down) return null;
    if (Date.now() - lastProbeAt < RECHECK_MS) return down.reason;
    lastProbeAt = Date.now();
    return probe();
  };

  return {
    /** Run `next` for this request unless the database is known down; turn its 5xx into a 503 when the database is. */
    guard(req: IncomingMessage, res: ServerResponse, next: () => void): void {
      const path = (req.url ?? "/").split("?")[0]!;
      if (!needsDatabase(path)) return next();
      void knownDown().then((reason) => {
        if (reason !== null) return sendUnavailable(req, res, reason);
        holdServerErrors(res, async (raw) => {
          const reason = await probe();
          if (reason === null) return false;
          sendUnavailable(req, res, reason, raw);
          return true;
        });
        next();
      });
    },
  };
}

/** The cause in one line: the driver's kind ("DatabaseNotReachable"), the system error code, the message's last line. */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, meta } = e as {
      code?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
    };
    const kind = meta?.driverAdapterError?.cause?.kind;
    const last =
      typeof message === "string"
        ? message
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean)
            .at(-1)
        : String(e);
    // Prisma wraps a raw query's failure as "Raw query failed. Code: `N/A`. Message: `<the driver's>`".
    const line = last?.replace(/^Raw query failed\. Code: `[^`]*`\. Message: `(.*)`$/, "$1");
    for (const part of [typeof kind === "string" ? kind : null, typeof code === "string" && !/^P\d{4}$/.test(code) ? code : null, line]) {
      if (part && !parts.includes(part)) parts.push(part);
    }
  }
  return (parts.join(": ") || "unknown error").slice(0, 300);
}

/** 503 with the cause: JSON for the API (and JSON clients), a short page for browsers. */
function sendUnavailable(req: IncomingMessage, res: ServerResponse, reason: string, raw: RawSend = res as unknown as RawSend): void {
  const error = `the database (PostgreSQL) is unreachable: ${reason}. Nothing was changed; retry in ${DATABASE_RETRY_AFTER_SEC} s`;
  const json = wantsJson(req);
  for (const name of ["content-type", "content-length", "content-encoding", "etag", "cache-control", "vary", "set-cookie", "location"])
    res.removeHeader(name);
  raw.writeHead(503, {
    "content-type": json ? "application/json" : "text/html; charset=utf-8",
    "retry-after": String(DATABASE_RETRY_AFTER_SEC),
    "cache-control": "no-store",
  });
  raw.end(
    json
      ? JSON.stringify({ error, cause: "database-unavailable", retryAfterSec: DATABASE_RETRY_AFTER_SEC })
      : `<!doctype html><meta http-equiv="refresh" content="${DATABASE_RETRY_AFTER_SEC}"><title>vfleet: database unavailable</title>` +
          `<h1>Database unavailable</h1><p data-testid="database-unavailable">${escapeHtml(error)}</p><p>This page reloads by itself.</p>`,
  );
}

type RawSend = { writeHead: (...args: unknown[]) => ServerResponse; end: (...args: unknown[]) => ServerResponse };

/**
 * Hold a response whose status is 5xx (Node sends every header through writeHead, also an
 * implicit one from end()) until `decide` says whether it answered instead (through the
 * unpatched methods it is given); if not, the held response goes out unchanged. Responses below
 * 500 are never touched or delayed. The methods stay patched for the response's life: Next's
 * compression wraps them afterwards and keeps our versions underneath.
 */
function holdServerErrors(res: ServerResponse, decide: (raw: RawSend) => Promise<boolean>): void {
  const writeHead = res.writeHead.bind(res) as RawSend["writeHead"];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as RawSend["end"];
  let mode: "undecided" | "pass" | "hold" = "undecided";
  let head: unknown[] = [];
  const chunks: unknown[] = [];
  const decideMode = () => {
    if (mode === "undecided" && !res.headersSent) res.writeHead(res.statusCode);
  };
  res.writeHead = ((...args: unknown[]) => {
    if (mode === "pass") return writeHead(...args);
    const status = typeof args[0] === "number" ? args[0] : res.statusCode;
    if (status < 500) {
      mode = "pass";
      return writeHead(...args);
    }
    mode = "hold";
    head = args;
    return res;
  }) as typeof res.writeHead;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    decideMode();
    if (mode !== "hold") return write(chunk, ...rest);
    chunks.push(chunk);
    (rest.find((a) => typeof a === "function") as (() => void) | undefined)?.();
    return true;
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    decideMode();
    if (mode !== "hold") return end(...args);
    mode = "pass";
    if (args[0] !== undefined && typeof args[0] !== "function") chunks.push(args[0]);
    const cb = args.find((a) => typeof a === "function") as (() => void) | undefined;
    void decide({ writeHead, end })
      .catch(() => false)
      .then((answered) => {
        if (!answered) {
          writeHead(...head);
          for (const chunk of chunks) write(chunk);
          end();
        }
        cb?.();
      });
    return res;
  }) as typeof res.end;
}
