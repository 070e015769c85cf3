/**
 * Where this machine gets Debian's packages: the test hypervisor's image and QEMU 10 come from the
 * same mirror apt already uses here (a local mirror or proxy keeps working), never a second one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The first `deb` URI of the bookworm suite in apt's sources (deb822 `.sources` or one-line `.list`). */
export function debianMirror(etcApt = "/etc/apt"): string {
  const fromEnv = process.env.VFLEET_DEBIAN_MIRROR;
  if (fromEnv) return fromEnv;
  const files = [join(etcApt, "sources.list")];
  try {
    for (const f of readdirSync(join(etcApt, "sources.list.d"))) files.push(join(etcApt, "sources.list.d", f));
  } catch {
    // no sources.list.d: sources.list alone
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (file.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
        const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
        if (uri && suites.includes("bookworm") && /^Types:.*\bdeb\b/m.test(stanza)) return uri.replace(/\/$/, "");
      }
    } else {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
      if (m) return m[1]!.replace(/\/$/, "");
    }
  }
  throw new Error(
    "testhost: no Debian bookworm source in /etc/apt (sources.list or sources.list.d/*.sources): set VFLEET_DEBIAN_MIRROR to a Debian mirror URL",
  );
}
