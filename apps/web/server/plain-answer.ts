import type { IncomingMessage } from "node:http";

/** Text for the small HTML pages the server answers itself (refusals, outages), before Next. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The API and JSON clients get JSON; browsers get a page. */
export function wantsJson(req: IncomingMessage): boolean {
  const path = (req.url ?? "/").split("?")[0]!;
  return path.startsWith("/api/") || req.headers.accept?.includes("application/json") === true;
}
