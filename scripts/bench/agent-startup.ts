import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { bundleAgent } from "@vfleet/agent/build";
import { fmt, measure, row } from "./measure.ts";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../apps/agent/src/cli.ts", import.meta.url));

/** The agent artifact's start: a process from exec to exit, against bare Node and the workspace's tsx route. */
export async function benchAgentStartup(): Promise<void> {
  console.log("\nAgent artifact start (dist/vfleet-agent.mjs, one file, run from a directory without node_modules)");
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-agent-"));
  try {
    const file = join(dir, "vfleet-agent.mjs");
    await bundleAgent(file);
    const node = await measure(() => run(process.execPath, ["-e", "0"], { cwd: dir }), { runs: 11 });
    const version = await measure(() => run(process.execPath, [file, "version"], { cwd: dir }), { runs: 11 });
    const scan = await measure(() => run(process.execPath, [file, "scan", "--json"], { cwd: dir, maxBuffer: 64 << 20 }), { runs: 11 });
    const tsx = await measure(() => run(process.execPath, ["--import", "tsx", CLI, "version"]), { runs: 5, warmup: 1 });
    row(`artifact size`, `${((await stat(file)).size / 1024).toFixed(0)} KiB`);
    row("node -e 0 (peer: Node's own start)", fmt(node.median));
    row("vfleet-agent.mjs version", fmt(version.median), `${(version.median / node.median).toFixed(1)}x bare Node`);
    row("vfleet-agent.mjs scan --json of this machine's /sys", fmt(scan.median));
    row("pnpm agent version (tsx from the workspace)", fmt(tsx.median), `${(tsx.median / version.median).toFixed(1)}x the artifact`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
