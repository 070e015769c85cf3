import { jsonDepthExceeds, MAX_FRAME_BYTES, MAX_JSON_DEPTH } from "@vfleet/protocol";
import type { z } from "zod";

/** Largest REST body read: the largest request (a plan of 4096 jobs) is ~1.5 MiB. The server refuses a larger Content-Length before any route runs. */
const MAX_BODY_BYTES = MAX_FRAME_BYTES;

export type BodyResult<T> = { success: true; data: T } | { success: false; response: Response };

/** 400 that names the offending field, so an operator can fix the request without guessing. */
export function badRequest(field: string, message: string): Response {
  return Response.json({ error: `${field}: ${message}`, field }, { status: 400 });
}

/** Read a body as text within MAX_BODY_BYTES, counted as it streams in (a body without Content-Length cannot grow memory either). Never throws. */
export async function readBodyText(request: Request): Promise<{ success: true; text: string } | { success: false; response: Response }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  try {
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        return {
          success: false,
          response: Response.json({ error: `body: must be at most ${MAX_BODY_BYTES} bytes`, field: "body" }, { status: 413 }),
        };
      }
      chunks.push(value);
    }
  } catch {
    return { success: false, response: badRequest("body", "could not be read") };
  }
  return { success: true, text: Buffer.concat(chunks).toString("utf8") };
}

/**
 * Read a JSON body within MAX_BODY_BYTES and MAX_JSON_DEPTH (checked before parsing); an
 * empty body is `undefined`. Never throws.
 */
async function readJsonBody(request: Request): Promise<{ success: true; json: unknown } | { success: false; response: Response }> {
  const read = await readBodyText(request);
  if (!read.success) return read;
  const text = read.text;
  if (text.trim() === "") return { success: true, json: undefined };
  if (jsonDepthExceeds(text)) return { success: false, response: badRequest("body", `must not nest deeper than ${MAX_JSON_DEPTH} levels`) };
  try {
    return { success: true, json: JSON.parse(text) as unknown };
  } catch {
    return { success: false, response: badRequest("body", "must be a JSON object") };
  }
}

/** Parse a JSON request body with a schema; never throws. */
export async function parseJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<BodyResult<T>> {
  const read = await readJsonBody(request);
  if (!read.success) return read;
  const json = read.json;
  if (json === undefined) return { success: false, response: badRequest("body", "must be a JSON object") };
  const result = schema.safeParse(json ?? {});
  if (result.success) return { success: true, data: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  return { success: false, response: badRequest(field, issue?.message ?? "invalid") };
}
