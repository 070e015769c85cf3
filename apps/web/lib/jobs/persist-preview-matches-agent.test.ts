import { describe, expect, it } from "vitest";
import { PERSIST_FILE_PATHS, renderPersistFiles as previewFiles } from "@vfleet/core";
import { PERSIST_FILES, renderPersistFiles as agentFiles } from "@vfleet/agent/jobs";

/**
 * The host.persist preview (core) must show what the agent writes (its executor renders the
 * files itself): same paths, same bytes, for every method and for empty lists (files removed).
 */
describe("host.persist preview", () => {
  it("renders exactly the files the agent's executor writes", () => {
    expect(PERSIST_FILE_PATHS).toEqual(PERSIST_FILES);
    const cases = [
      { vfCounts: [{ pf: "enp134s0f1", count: 16 }, { pf: "enp134s0f0", count: 8 }], vfioIds: ["15b3:1018", "10de:1db8", "15b3:1018"], method: "sysfsd" as const },
      { vfCounts: [{ pf: "enp53s0", count: 4 }], vfioIds: [], method: "udev" as const },
      { vfCounts: [], vfioIds: [], method: "sysfsd" as const },
    ];
    for (const params of cases) expect(previewFiles(params)).toEqual(agentFiles(params));
  });
});
