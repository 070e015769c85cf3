import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Method } from "../lib/auth/access-rules.ts";

const APP_DIR = fileURLToPath(new URL("../app", import.meta.url));
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export type AppRoute = { route: string; methods: Method[]; kind: "page" | "api" };

/** Every page.tsx and route.ts under app/, as a route in Next's folder syntax with the methods it exports. */
export async function findAppRoutes(dir = APP_DIR): Promise<AppRoute[]> {
  const out: AppRoute[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findAppRoutes(path)));
    else if (/^(page|route)\.tsx?$/.test(entry.name)) {
      // Route groups `(name)` do not appear in the URL.
      const route = `/${relative(APP_DIR, dir)
        .split("/")
        .filter((s) => s && !/^\(.*\)$/.test(s))
        .join("/")}`;
      if (entry.name.startsWith("page")) out.push({ route, methods: ["GET"], kind: "page" });
      else {
        const text = await readFile(path, "utf8");
        out.push({
          route,
          methods: METHODS.filter((m) => new RegExp(`export\\s+(async\\s+)?(function|const)\\s+${m}\\b`).test(text)),
          kind: "api",
        });
      }
    }
  }
  return out;
}
