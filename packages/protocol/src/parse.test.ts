import { describe, expect, it } from "vitest";
import { parseAgentMessage } from "./parse.ts";

describe("parseAgentMessage", () => {
  it("names the failing field instead of throwing", () => {
    expect(parseAgentMessage("{not json")).toEqual({ success: false, error: "frame is not valid JSON" });
    const r = parseAgentMessage(
      JSON.stringify({ type: "agent.heartbeat", id: "1", ts: "2026-11-21T10:00:00Z", payload: { uptimeSec: -1 } }),
    );
    expect(r.success).toBe(false);
    expect(!r.success && r.error).toMatch(/^payload\.uptimeSec: /);
  });
});
