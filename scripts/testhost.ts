/**
 * `pnpm testhost up|down|ssh [--name th1]`: a test hypervisor with a real Linux kernel (QEMU, see
 * scripts/testhost/vm.ts). `up` prints, on a line of its own on stdout,
 * `TESTHOST name=<name> ssh=127.0.0.1:<port> user=root key=<path>`; progress goes to stderr.
 * `ssh [--name N] -- CMD...` runs CMD in it (a shell without CMD).
 */
import { parseArgs } from "node:util";
import { findTesthost, sshInteractive, testhostDown, testhostLine, testhostUp } from "./testhost/vm.ts";

const USAGE = "usage: pnpm testhost up|down|ssh [--name NAME] [-- CMD...]";

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { name: { type: "string", default: "th1" }, help: { type: "boolean", default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [verb, ...rest] = positionals;
  const name = values.name!;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (values.help || !verb) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  switch (verb) {
    case "up": {
      const t = await testhostUp({ name, log });
      process.stdout.write(`${testhostLine(t)}\n`);
      return 0;
    }
    case "down":
      log((await testhostDown(name)) ? `testhost: ${name} stopped` : `testhost: ${name} was not running`);
      return 0;
    case "ssh": {
      const t = findTesthost(name);
      if (!t) {
        log(`testhost: ${name} is not running (pnpm testhost up --name ${name})`);
        return 1;
      }
      return sshInteractive(t, rest);
    }
    default:
      log(`testhost: unknown command "${verb}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"))).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
