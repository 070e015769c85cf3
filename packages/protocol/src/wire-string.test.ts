import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AgentMessage, ServerMessage } from "./messages.ts";
import { parseAgentMessage } from "./parse.ts";
import { holdsNul } from "./primitives.ts";

/** Every `type: "string"` node of a JSON Schema that carries no pattern, const or enum, by its path. */
function unpatternedStrings(node: unknown, path = "#"): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => unpatternedStrings(n, `${path}/${i}`));
  if (node === null || typeof node !== "object") return [];
  const o = node as Record<string, unknown>;
  const own = o.type === "string" && o.pattern === undefined && o.const === undefined && o.enum === undefined ? [path] : [];
  return [...own, ...Object.entries(o).flatMap(([k, v]) => unpatternedStrings(v, `${path}/${k}`))];
}

const hello = (payload: Record<string, unknown>) =>
  JSON.stringify({
    type: "agent.hello",
    id: "h-1",
    ts: "2026-12-07T02:00:00.000Z",
    payload: { protocolVersion: "1.9", agentVersion: "0.1.0", hostname: "dgx2-01", ...payload },
  });

describe("wire strings never hold a NUL byte (PostgreSQL cannot store one)", () => {
  it("gives every string of every message a pattern: a plain z.string() added later fails here", () => {
    expect(unpatternedStrings(z.toJSONSchema(AgentMessage, { unrepresentable: "any" }))).toEqual([]);
    expect(unpatternedStrings(z.toJSONSchema(ServerMessage, { unrepresentable: "any" }))).toEqual([]);
  });

  it("refuses a NUL in agent.hello's agentVersion, naming the field", () => {
    expect(parseAgentMessage(hello({ agentVersion: "0.1.0\u0000evil" }))).toEqual({
      success: false,
      error: "payload.agentVersion: must not contain a NUL byte (U+0000)",
    });
    expect(parseAgentMessage(hello({})).success).toBe(true);
  });

  it("finds NUL bytes in free-form values, keys included", () => {
    expect(holdsNul({ a: ["x", { b: "y\u0000" }] })).toBe(true);
    expect(holdsNul({ "k\u0000": 1 })).toBe(true);
    expect(holdsNul({ a: ["x", { b: "y" }], n: 1, z: null })).toBe(false);
  });
});
