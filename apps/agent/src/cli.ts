#!/usr/bin/env node
/**
 * vfleet agent CLI. Each command lives in `commands/<name>.ts` and exports
 * `main(argv): Promise<number>` returning the process exit code; loaded lazily so
 * `scan` does not pay for the WebSocket client.
 */
type Command = { main(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  scan: () => import("./commands/scan.ts"),
  audit: () => import("./commands/audit.ts"),
  run: () => import("./commands/run.ts"),
  "run-job": () => import("./commands/run-job.ts"),
  status: () => import("./commands/status.ts"),
  doctor: () => import("./commands/doctor.ts"),
  version: () => import("./commands/version.ts"),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: vfleet-agent <command> [options]\ncommands: ${Object.keys(commands).join(", ")}\n`);
    return name === undefined || name === "--help" ? 0 : 2;
  }
  return (await load()).main(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`agent: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
