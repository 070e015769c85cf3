import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentMessage, ServerMessage } from "../src/index.ts";

/**
 * The frozen corpus of protocol v1 frames. Released fixtures never change: a change that breaks one
 * is a breaking protocol change and needs a major version. `invalid/` holds frames every peer must refuse.
 */
const root = join(import.meta.dirname, "fixtures", "v1");
const agentTypes = AgentMessage.options.map((o) => o.shape.type.value);
const serverTypes = ServerMessage.options.map((o) => o.shape.type.value);

const read = (folder: string) =>
  readdirSync(join(root, folder)).map((file) => ({ file, json: JSON.parse(readFileSync(join(root, folder, file), "utf8")) as unknown }));

describe("protocol v1 fixture corpus", () => {
  it("has a folder for every message type and nothing else", () => {
    expect(readdirSync(root).sort()).toEqual([...agentTypes, ...serverTypes, "invalid"].sort());
  });

  for (const type of agentTypes) {
    it(`accepts every ${type} fixture as an agent message`, () => {
      for (const { file, json } of read(type)) {
        const parsed = AgentMessage.safeParse(json);
        expect(parsed.success, `${type}/${file}: ${parsed.error?.message}`).toBe(true);
        expect(parsed.data?.type).toBe(type);
      }
    });
  }

  for (const type of serverTypes) {
    it(`accepts every ${type} fixture as a server message`, () => {
      for (const { file, json } of read(type)) {
        const parsed = ServerMessage.safeParse(json);
        expect(parsed.success, `${type}/${file}: ${parsed.error?.message}`).toBe(true);
        expect(parsed.data?.type).toBe(type);
      }
    });
  }

  it("refuses every invalid fixture in both directions", () => {
    for (const { file, json } of read("invalid")) {
      expect(AgentMessage.safeParse(json).success, file).toBe(false);
      expect(ServerMessage.safeParse(json).success, file).toBe(false);
    }
  });
});
