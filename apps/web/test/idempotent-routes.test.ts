import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findAppRoutes } from "./find-app-routes.ts";

const APP_DIR = fileURLToPath(new URL("../app", import.meta.url));

/** Every POST can be retried safely: each route file's POST is wrapped in `idempotent` (lib/idempotency). */
describe("Idempotency-Key on every POST", () => {
  it("each route exporting POST exports idempotent(...)", async () => {
    const posts = (await findAppRoutes()).filter((r) => r.kind === "api" && r.methods.includes("POST"));
    expect(posts.length).toBeGreaterThan(10);
    const unwrapped: string[] = [];
    for (const r of posts) {
      const text = await readFile(`${APP_DIR}${r.route}/route.ts`, "utf8");
      if (!/export const POST = withAccess\("\w+", idempotent\(/.test(text)) unwrapped.push(r.route);
    }
    expect(unwrapped).toEqual([]);
  });
});
