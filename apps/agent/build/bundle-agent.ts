/**
 * `pnpm build` for the agent: one ES module file, `dist/vfleet-agent.mjs`, that needs only Node.js
 * (MIN_NODE below). Everything the agent imports (protocol, core, ws, zod, fast-xml-parser) is
 * inside; the simulator is not: `--simulated` runs from the workspace (`pnpm agent`).
 */
import { execFileSync } from "node:child_process";
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { MIN_NODE } from "@vfleet/core";

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.join(here, "../../..");
export const ARTIFACT = path.join(here, "../dist/vfleet-agent.mjs");

/** The simulated HostIO is replaced by a module that says where `--simulated` runs. */
const noSimulator: Plugin = {
  name: "no-simulator",
  setup(b) {
    b.onResolve({ filter: /create-simulated-host-io\.ts$/ }, () => ({ path: "simulated-host-io", namespace: "vfleet-stub" }));
    b.onResolve({ filter: /^@vfleet\/simulator/ }, (args) => ({
      errors: [{ text: `${args.importer} imports the simulator, which the agent artifact must not carry` }],
    }));
    b.onLoad({ filter: /.*/, namespace: "vfleet-stub" }, () => ({
      contents: `export function createSimulatedHostIO() { throw new Error("--simulated needs the simulator, which this artifact does not carry: run it from the workspace (pnpm agent ... --simulated)"); }`,
      loader: "js",
    }));
  },
};

/** The commit the artifact is built from, `-dirty` when the work tree differs from it; "unknown" outside git. */
function sourceCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return `${git("rev-parse", "--short=12", "HEAD")}${git("status", "--porcelain", "--untracked-files=no") ? "-dirty" : ""}`;
  } catch {
    return "unknown";
  }
}

/**
 * Builds the artifact; returns the source files it carries (paths relative to the repo root).
 * `withSimulator` keeps the simulated HostIO in: only for benchmarks that measure the artifact's
 * own cost on a simulated host (the shipped artifact refuses `--simulated`).
 */
export async function bundleAgent(outfile = ARTIFACT, options: { withSimulator?: boolean } = {}): Promise<{ inputs: string[] }> {
  await mkdir(path.dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [path.join(here, "../src/cli.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${MIN_NODE}`,
    // Whitespace and syntax only: identifiers stay readable in a host's stack traces.
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "eof",
    // ws loads these native speed-ups if present and works without them.
    external: ["bufferutil", "utf-8-validate"],
    // ws and fast-xml-parser are CommonJS: give their require() of Node built-ins a real require.
    banner: {
      js: `import { createRequire as __vfleetCreateRequire } from "node:module";\nconst require = __vfleetCreateRequire(import.meta.url);`,
    },
    plugins: options.withSimulator ? [] : [noSimulator],
    define: { __VFLEET_AGENT_COMMIT__: JSON.stringify(sourceCommit()) },
    logLevel: "warning",
    metafile: true,
    absWorkingDir: REPO_ROOT,
  });
  return { inputs: Object.keys(result.metafile.inputs) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  bundleAgent().then(
    async () => {
      const { size } = await stat(ARTIFACT);
      process.stdout.write(
        `built ${path.relative(process.cwd(), ARTIFACT)} (${(size / 1024).toFixed(0)} KiB) in ${(performance.now() - t0).toFixed(0)} ms\n`,
      );
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
