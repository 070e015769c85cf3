import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ACCESS_RULES } from "../lib/auth/access-rules.ts";
import { findAppRoutes } from "./find-app-routes.ts";

const APP_DIR = fileURLToPath(new URL("../app", import.meta.url));

/**
 * Defence in depth: the custom server decides access first, and every route handler and page
 * decides again itself, through one helper each (withAccess, requirePageAccess), with the same
 * role as the access table. A route or page that skips its helper, or names another role, fails here.
 */
describe("every route and page checks its caller itself", () => {
  it("each exported route method is withAccess(<the table's role>, ...)", async () => {
    const routes = (await findAppRoutes()).filter((r) => r.kind === "api");
    expect(routes.length).toBeGreaterThan(25);
    const wrong: string[] = [];
    for (const r of routes) {
      const text = await readFile(`${APP_DIR}${r.route}/route.ts`, "utf8");
      for (const method of r.methods) {
        const m = new RegExp(`export const ${method} = withAccess\\("(\\w+)",`).exec(text);
        const want = ACCESS_RULES[r.route]?.[method];
        if (!m) wrong.push(`${method} ${r.route}: not exported through withAccess`);
        else if (m[1] !== want) wrong.push(`${method} ${r.route}: withAccess("${m[1]}") but the table says ${want}`);
      }
      if (/export (async )?function (GET|POST|PUT|PATCH|DELETE)\b/.test(text)) wrong.push(`${r.route}: exports a bare handler`);
    }
    expect(wrong).toEqual([]);
  });

  it("each page's first statement is requirePageAccess(<the table's role>)", async () => {
    const pages = (await findAppRoutes()).filter((r) => r.kind === "page");
    expect(pages.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const p of pages) {
      const text = await readFile(`${APP_DIR}${p.route === "/" ? "" : p.route}/page.tsx`, "utf8");
      const m = /export default async function \w+\([^)]*?\)[^{]*\{\s*(?:const \w+ = )?await requirePageAccess\("(\w+)"\);/s.exec(text);
      const want = ACCESS_RULES[p.route]?.GET;
      if (!m) wrong.push(`${p.route}: does not start with requirePageAccess`);
      else if (m[1] !== want) wrong.push(`${p.route}: requirePageAccess("${m[1]}") but the table says ${want}`);
    }
    expect(wrong).toEqual([]);
  });
});
