import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { accessFor } from "../lib/auth/access-rules.ts";

const READMES = ["../../../docs/reference/api.md", "../../../docs/reference/access.md"].map((p) => new URL(p, import.meta.url));

/** The role the API reference gives each operation (`GET /api/v1/x` [viewer]) is the access table's. */
describe("the API reference's roles", () => {
  it("match lib/auth/access-rules.ts for every operation it names with a role", async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const file of READMES) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s?]*)[^`]*` \[(\w+)([^\]]*)\]/g)) {
        const [, method, path, role, rest] = m as unknown as [string, string, string, string, string];
        const concrete = path.replace(/:\w+/g, "some-id");
        const access = accessFor(method, concrete).access;
        checked++;
        if (access !== role) wrong.push(`${method} ${path}: the docs say ${role}, the table ${access}`);
        // "[operator; viewer for `dryRun`]": a dry run is the same method on the same route, so the same role.
        for (const other of rest.matchAll(/\b(viewer|operator|admin) for\b/g))
          if (other[1] !== access) wrong.push(`${method} ${path}: the docs say ${other[0]}..., the table ${access} for all of ${method}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(wrong).toEqual([]);
  });
});
