import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { auditHost, DomainXmlError, parseDomainXml, renderAuditText } from "@vfleet/core";
import type { Guest } from "@vfleet/protocol";
import { scanHost } from "../scan/index.ts";

export const summary = "audit passthrough readiness of this host (or a tree), optionally against a guest's domain XML";

const USAGE = `usage: agent audit [--root <dir>] [--guest <domain.xml>] [--json]
  --root <dir>          sysfs/procfs root to read (default /)
  --guest <domain.xml>  libvirt domain XML whose <hostdev>/<interface type='hostdev'> devices to audit
  --json                print { host, guest, checks, summary } as JSON
exit status: 0 no check fails, 1 a check fails, 2 bad usage or unreadable input`;

/** A usage problem: reported on stderr with exit 2, never as an audit verdict. */
class UsageError extends Error {}

async function readGuest(file: string): Promise<Guest> {
  let xml: string;
  try {
    xml = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`--guest ${file}: cannot read the domain XML (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return parseDomainXml(xml);
  } catch (err) {
    if (err instanceof DomainXmlError) throw new UsageError(`--guest ${file}: ${err.message}`);
    throw err;
  }
}

async function checkRoot(root: string): Promise<void> {
  const s = await stat(root).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--root ${root}: cannot read it (${err.code ?? String(err)})`);
  });
  if (!s.isDirectory()) throw new UsageError(`--root ${root}: not a directory`);
}

export async function main(argv: string[]): Promise<number> {
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          root: { type: "string", default: "/" },
          guest: { type: "string" },
          json: { type: "boolean", default: false },
          help: { type: "boolean", default: false },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const root = values.root!;
    await checkRoot(root);
    const guest = values.guest === undefined ? undefined : await readGuest(values.guest);
    const inventory = await scanHost(root);
    const report = auditHost(inventory, guest ? { guest } : {});
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderAuditText(report));
    return report.summary.fail > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`agent audit: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
}
