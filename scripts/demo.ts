/**
 * `pnpm demo`: the whole product on one machine. Builds the web app when needed, starts the control
 * plane (embedded PostgreSQL unless DATABASE_URL is set), writes three simulated hosts and starts a
 * real agent process for each, then prints the dashboard URL. Ctrl-C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { startFleet } from "@vfleet/simulator/fleet";
import { defineDemoGuests } from "./lib/demo-guests.ts";
import { needsWebBuild } from "./lib/web-build.ts";
import { createDemoAdmin, printDemoAdmin } from "./lib/create-demo-admin.ts";
import { installAgentOnTesthost } from "./testhost/install-agent.ts";

const repo = resolve(import.meta.dirname, "..");
const stateDir = join(repo, ".vfleet");
const tsx = [process.execPath, "--import", "tsx"];

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

/**
 * The Prisma client is generated code (not committed): a new clone has none, and `next build` and
 * the control plane both import it. turbo's test/build pipelines generate it; the demo must too.
 */
function generatePrismaClient() {
  const r = spawnSync("pnpm", ["--filter", "@vfleet/db", "run", "generate"], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`prisma generate failed (exit ${r.status ?? r.signal})`);
}

function ensureWebBuild() {
  if (!needsWebBuild(join(repo, "apps/web"))) return;
  log("demo: building the web app (next build), once per source change ...");
  const web = join(repo, "apps/web");
  const r = spawnSync(join(web, "node_modules/.bin/next"), ["build"], {
    cwd: web,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error("next build failed");
}

function startControlPlane(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(tsx[0]!, [...tsx.slice(1), "server/index.ts"], {
    cwd: join(repo, "apps/web"),
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: process.env.PORT ?? "3000",
      VFLEET_DATA_DIR: process.env.VFLEET_DATA_DIR ?? join(stateDir, "pg"),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolvePromise, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready at (http:\/\/\S+)/.exec(out);
      if (m) resolvePromise({ url: m[1]!, child });
    });
    child.once("exit", (code) => reject(new Error(`control plane exited with code ${code}`)));
  });
}

/** What the demo has started so far, stopped in reverse order by Ctrl-C or by a failed start. */
const started: Array<() => Promise<void> | void> = [];
let stopping: Promise<void> | null = null;
function stopAll() {
  return (stopping ??= (async () => {
    for (const stop of started.reverse()) await stop();
  })());
}

async function main() {
  if (!existsSync(join(repo, "node_modules"))) throw new Error("run `pnpm install` first");
  generatePrismaClient();
  ensureWebBuild();
  const { url, child } = await startControlPlane();
  started.push(() => {
    if (child.exitCode === null) child.kill("SIGTERM");
  });
  const admin = await createDemoAdmin(url, stateDir);
  const fleet = await startFleet({
    controlPlaneUrl: url,
    apiToken: admin.token,
    workDir: join(stateDir, "fleet"),
    agentCommand: [...tsx, join(repo, "apps/agent/src/cli.ts")],
    hosts: [
      { profile: "dgx2", name: "dgx2-01" },
      { profile: "intel-82576", name: "igb-01" },
      { profile: "gpu-workstation", name: "gpu-ws-01" },
    ],
    scanIntervalMs: 1000,
    log: (line) => {
      if (process.env.VFLEET_DEMO_VERBOSE) log(line);
    },
  });
  started.push(() => fleet.stop());
  const guests = await defineDemoGuests(fleet.hosts);
  started.push(() => guests.remove());
  const testhost =
    process.env.VFLEET_DEMO_TESTHOST === "1"
      ? await installAgentOnTesthost({
          planeUrl: url,
          token: admin.token,
          artifact: join(repo, "apps/agent/dist/vfleet-agent.mjs"),
          name: "th1",
          log,
        })
      : null;
  if (testhost) started.push(() => testhost.stop());
  log("");
  log(`vfleet demo is running: ${fleet.hosts.length} simulated hosts, each with a real agent process.`);
  log(`  dashboard:  ${url}`);
  printDemoAdmin(admin, url, log);
  for (const h of fleet.hosts) log(`  ${h.name.padEnd(10)} ${h.profile.padEnd(16)} sysfs tree ${h.root}`);
  for (const line of guests.report) log(`  guests: ${line}`);
  if (testhost) log(`  ${testhost.report}`);
  log("  Ctrl-C stops the demo; its database and hosts stay under .vfleet/ for the next run.");

  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal, and relayed by tsx's CLI), and a
  // second SIGINT without a handler would kill it halfway through undefining its guests.
  process.on("SIGINT", () => void stopAll());
  process.on("SIGTERM", () => void stopAll());
  child.once("exit", () => {
    void stopAll().then(() => process.exit(0));
  });
}

main().catch(async (err: unknown) => {
  log(`demo: ${err instanceof Error ? err.message : String(err)}`);
  // A failed start must not leave the control plane, its embedded PostgreSQL or agents running.
  await stopAll().catch((stopErr: unknown) => log(`demo: while stopping: ${String(stopErr)}`));
  process.exit(1);
});
