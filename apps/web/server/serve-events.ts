import type { IncomingMessage, ServerResponse } from "node:http";
import type { FleetEvents } from "../lib/fleet-events.ts";

/** Proxies drop idle streams; a comment line every 15 s keeps them open. */
const KEEPALIVE_MS = 15_000;
/**
 * How often an open stream's session or token is checked again: a revoked or expired one is cut
 * within this (one indexed row read per open page per interval, in PostgreSQL, so it holds
 * whichever control-plane process did the revoking).
 */
const EVENTS_RECHECK_MS = 1_000;

export interface ServeEventsOptions {
  /** Is the identity that opened the stream still alive? */
  stillValid: () => Promise<boolean>;
  recheckMs?: number;
}

/**
 * `GET /api/v1/events`: Server-Sent Events of host changes. Served by the custom server
 * itself (not a route handler) so no framework layer can buffer or compress the stream. The
 * stream ends when its session or token is revoked or expires; the browser's reconnect then
 * gets the 401 every other request gets.
 */
export function serveEvents(req: IncomingMessage, res: ServerResponse, events: FleetEvents, options: ServeEventsOptions): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  // Browsers reconnect after `retry` ms when the server restarts.
  res.write("retry: 1000\n: connected\n\n");
  const unsubscribe = events.subscribe((event) => {
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  let checking = false;
  const recheck = setInterval(() => {
    if (checking) return;
    checking = true;
    options
      .stillValid()
      .then(
        (valid) => {
          if (!valid && !res.writableEnded) res.end(": session or token revoked or expired\n\n");
        },
        () => {
          /* the database is away: keep serving, check again next time */
        },
      )
      .finally(() => {
        checking = false;
      });
  }, options.recheckMs ?? EVENTS_RECHECK_MS);
  const stop = () => {
    unsubscribe();
    clearInterval(keepalive);
    clearInterval(recheck);
  };
  req.on("close", stop);
  res.on("close", stop);
}
