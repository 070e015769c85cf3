/**
 * `pnpm docs`, part of `pnpm test`: the commands the docs give cannot rot. Every `pnpm ...` command in
 * a shell block or an inline code span of the README, CONTRIBUTING and docs/ names a script that
 * exists (a root script, or `--filter <package> <script>`), every vfleet CLI subcommand is one its
 * `--help` lists, every `pnpm bench <name>` is a benchmark, other programs are ones we mean to name,
 * every relative link resolves, every VFLEET_* variable the code reads is in the configuration table,
 * and the README stays a front page.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const ROOT = resolve(import.meta.dirname, "..");
const README_MAX_LINES = 200;

/** Programs other than pnpm the docs may name: system tools, named, not run here. */
const OTHER_PROGRAMS = new Set([
  "npm",
  "curl",
  "printf",
  "node",
  "pg_dump",
  "pg_restore",
  "rm",
  "cd",
  "git",
  "ssh",
  "virsh",
  "lspci",
  "ip",
  "systemctl",
  "journalctl",
  "apt-get",
]);
/** pnpm's own commands, not scripts. */
const PNPM_BUILTINS = new Set(["install", "add", "exec", "dlx", "run", "why", "list"]);
/** Root scripts that are CLIs: their first argument must be a subcommand their `--help` lists. */
const CLI_SCRIPTS = ["agent", "vfleet", "sim", "testhost"];

async function markdownFiles(): Promise<string[]> {
  const files = ["README.md", "CONTRIBUTING.md"];
  for (const dir of ["apps", "packages"])
    for (const d of await readdir(join(ROOT, dir))) if (existsSync(join(ROOT, dir, d, "README.md"))) files.push(join(dir, d, "README.md"));
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(join(ROOT, dir), { withFileTypes: true }))
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (e.name.endsWith(".md")) files.push(join(dir, e.name));
  };
  await walk("docs");
  return files.filter((f) => existsSync(join(ROOT, f)));
}

/** Shell lines of ```sh blocks (continuations joined, comments dropped) and inline `pnpm ...` spans. */
function commandsOf(markdown: string): string[] {
  const out: string[] = [];
  let inShell = false;
  let inFence = false;
  let pending = "";
  for (const line of markdown.split("\n")) {
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence) {
      inFence = !inFence;
      inShell = inFence && ["sh", "bash", "shell", "console"].includes(fence[1]!);
      continue;
    }
    if (inShell) {
      const text = pending + line.replace(/(^|\s+)#\s.*$/, "").trim();
      if (text.endsWith("\\")) pending = `${text.slice(0, -1)} `;
      else {
        pending = "";
        if (text) out.push(text);
      }
    } else if (!inFence) for (const m of line.matchAll(/`(pnpm [^`]+)`/g)) out.push(m[1]!);
  }
  return out;
}

/** Each simple command of a line: split on &&, ||, |, ; (a `\|` inside a table cell is an alternative, not a pipe). */
function simpleCommands(line: string): string[][] {
  return line
    .replaceAll("\\|", "\u0000")
    .split(/&&|\|\||\||;/)
    .map((part) =>
      part
        .trim()
        .split(/\s+/)
        .filter((w) => w !== "")
        .map((w) => w.replaceAll("\u0000", "|")),
    )
    .map((words) => {
      let i = 0;
      while (i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i]!)) i++; // FOO=bar before the program
      return words.slice(i);
    })
    .filter((words) => words.length > 0);
}

interface Known {
  rootScripts: Record<string, string>;
  packageScripts: Map<string, Record<string, string>>;
  help: Map<string, string>;
  benches: Set<string>;
}

function checkPnpm(words: string[], known: Known): string | null {
  let i = 1;
  let filter: string | null = null;
  while (i < words.length && words[i]!.startsWith("-")) {
    if (words[i] === "--filter" || words[i] === "-F") filter = words[++i] ?? "";
    i++;
  }
  const script = words[i];
  if (!script) return "names no script";
  if (PNPM_BUILTINS.has(script)) return null;
  if (filter !== null) {
    const scripts = known.packageScripts.get(filter);
    if (!scripts) return `no package ${filter}`;
    return script in scripts ? null : `package ${filter} has no script "${script}"`;
  }
  if (!(script in known.rootScripts)) return `no root script "${script}"`;
  const arg = words[i + 1];
  if (!arg || /^[-<[.]/.test(arg)) return null; // an option or a placeholder
  if (script === "bench") return known.benches.has(arg) ? null : `pnpm bench has no benchmark "${arg}"`;
  const help = known.help.get(script);
  if (help === undefined) return null;
  for (const sub of arg.split("|"))
    if (!new RegExp(`(^|[^\\w-])${sub.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^\\w-]|$)`).test(help))
      return `"${sub}" is not a subcommand \`pnpm ${script} --help\` lists`;
  return null;
}

async function main(): Promise<number> {
  const problems: string[] = [];
  const rootPkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const packageScripts = new Map<string, Record<string, string>>();
  for (const dir of ["apps", "packages"])
    for (const d of await readdir(join(ROOT, dir))) {
      const file = join(ROOT, dir, d, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(await readFile(file, "utf8")) as { name: string; scripts?: Record<string, string> };
      packageScripts.set(pkg.name, pkg.scripts ?? {});
    }
  const help = new Map<string, string>();
  for (const s of CLI_SCRIPTS) {
    // The script's own entry point run with --help straight through Node (pnpm and its shell add seconds).
    const entry = /^tsx (\S+)$/.exec(rootPkg.scripts[s] ?? "")?.[1];
    if (!entry) {
      problems.push(`root script ${s} is not "tsx <file>": teach scripts/check-docs.ts how to ask it for --help`);
      continue;
    }
    const r = await promisify(execFile)(process.execPath, ["--import", "tsx", entry, "--help"], { cwd: ROOT, timeout: 120_000 }).catch(
      (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
    );
    const text = `${r.stdout}${r.stderr}`;
    if (!/usage/i.test(text)) problems.push(`pnpm ${s} --help prints no usage: ${text.slice(0, 200)}`);
    help.set(s, text);
  }
  const benchSource = await readFile(join(ROOT, "scripts/bench.ts"), "utf8");
  const benches = new Set([...benchSource.matchAll(/process\.argv\[2\] === "([\w-]+)"/g)].map((m) => m[1]!));
  const known: Known = { rootScripts: rootPkg.scripts, packageScripts, help, benches };

  let commands = 0;
  const files = await markdownFiles();
  for (const file of files) {
    const text = await readFile(join(ROOT, file), "utf8");
    for (const line of commandsOf(text))
      for (const words of simpleCommands(line)) {
        commands++;
        const program = words[0]!;
        const problem = program === "pnpm" ? checkPnpm(words, known) : OTHER_PROGRAMS.has(program) ? null : `unknown program "${program}"`;
        if (problem) problems.push(`${file}: \`${words.join(" ")}\`: ${problem}`);
      }
    for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      if (!existsSync(resolve(ROOT, dirname(file), target))) problems.push(`${file}: link to ${target}, which does not exist`);
    }
  }

  const readmeLines = (await readFile(join(ROOT, "README.md"), "utf8")).split("\n").length;
  if (readmeLines > README_MAX_LINES) problems.push(`README.md has ${readmeLines} lines: a front page keeps to ${README_MAX_LINES}`);

  const config = await readFile(join(ROOT, "docs/reference/configuration.md"), "utf8");
  const { stdout } = await promisify(execFile)(
    "git",
    ["grep", "-h", "-o", "-E", "\\bVFLEET_[A-Z0-9_]+", "--", "apps", "packages", "scripts", ":!*.md", ":!*.test.ts"],
    {
      cwd: ROOT,
    },
  );
  for (const name of new Set(stdout.split("\n").filter(Boolean)))
    if (!config.includes(`\`${name}\``)) problems.push(`${name} is read by the code but not in docs/reference/configuration.md`);

  for (const p of problems) console.error(`docs: ${p}`);
  console.log(
    problems.length
      ? `docs: ${problems.length} problem(s)`
      : `docs: ${commands} commands in ${files.length} files name real scripts and subcommands; links resolve`,
  );
  return problems.length ? 1 : 0;
}

void main().then((code) => {
  process.exitCode = code;
});
