/**
 * The package boundaries, checked by dependency-cruiser on every `pnpm test` (`pnpm layers`).
 * Tests and test helpers (*.test.ts, test/, e2e/) may reach across them to start real parts.
 */
const TESTS = "(\\.test\\.ts$|/test/|/e2e/)";

/** Node built-ins that do I/O: core is pure logic and may use none of them. */
const IO_BUILTINS = "^(node:)?(fs|fs/promises|child_process|net|tls|http|https|dgram|dns|os|cluster|worker_threads|readline|process)$";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "A module cycle makes load order matter and hides which side owns a concept.",
      from: { pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: "agent-stays-on-the-host",
      severity: "error",
      comment: "The agent runs on hypervisors: it never loads the database, the web app or the simulator at run time.",
      // The simulator's HostIO adapter is the one exception: see the next rule.
      from: { path: "^apps/agent/src", pathNot: `${TESTS}|^apps/agent/src/host-io/create-simulated-host-io\\.ts$` },
      // An undeclared package stays unresolved and is matched by its name.
      to: { path: "^(packages/db|apps/web|packages/simulator)/|^@vfleet/(db|web|simulator)$|node_modules/(@prisma|prisma|next|react)/" },
    },
    {
      name: "simulator-only-when-simulated",
      severity: "error",
      comment:
        "`--simulated` (demo, tests) loads the simulator's HostIO with a dynamic import, and only then; a static import would load the simulator on every real host.",
      from: { path: "^apps/agent/src", pathNot: TESTS },
      to: { path: "^apps/agent/src/host-io/create-simulated-host-io\\.ts$", dependencyTypesNot: ["dynamic-import"] },
    },
    {
      name: "core-does-no-io",
      severity: "error",
      comment: "core is pure domain logic shared by agent and web: no files, processes or sockets.",
      from: { path: "^packages/core/src", pathNot: TESTS },
      to: { path: IO_BUILTINS, dependencyTypes: ["core"] },
    },
    {
      name: "core-depends-on-protocol-only",
      severity: "error",
      comment: "core sits under agent and web: it may use the protocol, never what sits above it.",
      from: { path: "^packages/core/src", pathNot: TESTS },
      to: { path: "^(apps/|packages/(db|simulator)/)" },
    },
    {
      name: "protocol-is-the-bottom",
      severity: "error",
      comment: "The wire contract depends on nothing of ours.",
      from: { path: "^packages/protocol/src", pathNot: TESTS },
      to: { path: "^(apps/|packages/(db|core|simulator)/)" },
    },
    {
      name: "web-never-reads-sysfs",
      severity: "error",
      comment: "The control plane knows hosts only from what agents report: it never loads the agent's scanner or host writers.",
      from: { path: "^apps/web/(app|components|lib|server)/", pathNot: TESTS },
      to: { path: "^apps/agent/src/(scan|jobs|host-io|daemon)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(node_modules|\\.next|dist|generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs"], conditionNames: ["import", "default", "node"] },
  },
};
