#!/usr/bin/env node
/**
 * vfleet simulator CLI.
 *   sim tree --profile <name> --out <dir> [--vfs N]   write a host's sysfs/procfs tree
 *   sim profiles                                      list profiles
 */
import { parseArgs } from "node:util";
import { buildTree } from "./build-tree.ts";
import { profiles } from "./profiles/index.ts";

const USAGE = `usage: sim tree --profile <${Object.keys(profiles).join("|")}> --out <dir> [--vfs N]\n       sim profiles\n`;

async function tree(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { profile: { type: "string" }, out: { type: "string" }, vfs: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.profile) throw new Error(`--profile is required (one of ${Object.keys(profiles).join(", ")})`);
  if (!values.out) throw new Error("--out <dir> is required");
  let vfs: number | undefined;
  if (values.vfs !== undefined) {
    if (!/^\d+$/.test(values.vfs)) throw new Error(`--vfs must be a non-negative integer, got "${values.vfs}"`);
    vfs = Number(values.vfs);
  }
  const state = await buildTree(values.profile, values.out, vfs === undefined ? {} : { vfs });
  const all = [...state.functions.values()];
  const vfCount = all.filter((f) => f.physfn).length;
  process.stdout.write(
    `${state.spec.profile}: ${all.length} PCI functions (${vfCount} VFs), ${state.guests.length} guest(s) -> ${values.out}\n`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "tree") return tree(rest);
  if (command === "profiles") {
    for (const [name, spec] of Object.entries(profiles)) process.stdout.write(`${name}\t${spec.description}\n`);
    return 0;
  }
  process.stderr.write(USAGE);
  return command === undefined || command === "--help" ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
