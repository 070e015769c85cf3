import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Integration tests serve the production build: build it once per test run, always fresh, so
 * no test passes against yesterday's pages.
 */
export default function setup(): void {
  const dir = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url)), "build"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
}
