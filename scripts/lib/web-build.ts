import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Web sources, the workspace packages it compiles in (their TS source, not generated code) and the Prisma schema. */
const SOURCE_DIRS = [
  "app",
  "components",
  "lib",
  "server",
  "../../packages/protocol/src",
  "../../packages/core/src",
  "../../packages/db/src",
  "../../prisma",
];
const SKIP = new Set(["node_modules", "generated", ".next"]);

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith(".test.ts")) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when there is no production build, or a web source file is newer than it. */
export function needsWebBuild(webDir: string): boolean {
  const buildId = join(webDir, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return SOURCE_DIRS.some((d) => newestMtime(join(webDir, d)) > built);
}
