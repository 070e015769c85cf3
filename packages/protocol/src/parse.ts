import type { z } from "zod";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./json-depth.ts";
import { AgentMessage, ServerMessage } from "./messages.ts";

/** `json` is the frame as sent (before the schema strips unknown fields), e.g. to check a hash over it. */
export type ParseResult<T> = { success: true; data: T; json: unknown } | { success: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, raw: string): ParseResult<T> {
  if (jsonDepthExceeds(raw)) return { success: false, error: `frame nests deeper than ${MAX_JSON_DEPTH} levels` };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { success: false, error: "frame is not valid JSON" };
  }
  const result = schema.safeParse(json);
  if (result.success) return { success: true, data: result.data, json };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : "message";
  return { success: false, error: `${where}: ${issue?.message ?? "invalid"}` };
}

/** Parse one frame from an agent. Never throws. */
export const parseAgentMessage = (raw: string) => parseWith(AgentMessage, raw);
/** Parse one frame from the server. Never throws. */
export const parseServerMessage = (raw: string) => parseWith(ServerMessage, raw);
