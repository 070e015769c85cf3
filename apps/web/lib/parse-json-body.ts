import type { z } from "zod";

export type BodyResult<T> = { success: true; data: T } | { success: false; response: Response };

/** 400 that names the offending field, so an operator can fix the request without guessing. */
export function badRequest(field: string, message: string): Response {
  return Response.json({ error: `${field}: ${message}`, field }, { status: 400 });
}

/** Parse a JSON request body with a schema; never throws. */
export async function parseJsonBody<T>(request: Request, schema: z.ZodType<T>): Promise<BodyResult<T>> {
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    return { success: false, response: badRequest("body", "must be a JSON object") };
  }
  const result = schema.safeParse(json ?? {});
  if (result.success) return { success: true, data: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  return { success: false, response: badRequest(field, issue?.message ?? "invalid") };
}
