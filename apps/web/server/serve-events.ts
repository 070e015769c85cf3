import type { IncomingMessage, ServerResponse } from "node:http";
import type { FleetEvents } from "../lib/fleet-events.ts";

/** Proxies drop idle streams; a comment line every 15 s keeps them open. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /api/v1/events`: Server-Sent Events of host changes. Served by the custom server
 * itself (not a route handler) so no framework layer can buffer or compress the stream.
 */
export function serveEvents(req: IncomingMessage, res: ServerResponse, events: FleetEvents): void {
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
  req.on("close", () => {
    unsubscribe();
    clearInterval(keepalive);
  });
}
