import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Caps a request body that arrives without Content-Length (chunked), on every route, before any
 * handler reads it: better-auth's sign-in reads whatever it is sent, and a 1 GB chunked body to
 * it once grew the control plane by 1.8 GB. Bodies with a Content-Length are refused on the
 * header already (request-guard.ts). Counting happens where Node's HTTP parser hands each chunk
 * to the request stream (`push`), so no byte past the limit is ever buffered: the answer is a
 * 413 as soon as the limit is passed, and the connection closes.
 */
export function boundChunkedBody(req: IncomingMessage, res: ServerResponse, maxBytes: number, onRefused: () => void): void {
  if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] === undefined) return;
  let size = 0;
  let refused = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (refused) return false;
    if (chunk !== null && chunk !== undefined) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        refused = true;
        onRefused();
        const body = JSON.stringify({ error: `body: must be at most ${maxBytes} bytes`, field: "body" });
        if (!res.headersSent) res.writeHead(413, { "content-type": "application/json", connection: "close" });
        res.end(body, () => req.socket.destroy());
        return false;
      }
    }
    return push(chunk, encoding);
  };
}
