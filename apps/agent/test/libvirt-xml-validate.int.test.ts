import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildGuestDomainXml, buildHostdevInterfaceXml, buildHostdevXml } from "@vfleet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The builders' XML checked against libvirt's own RelaxNG schema with `virt-xml-validate`. */

const run = promisify(execFile);
let dir: string;

async function validate(xml: string): Promise<{ ok: boolean; output: string }> {
  const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.xml`);
  await writeFile(file, xml);
  try {
    const { stdout, stderr } = await run("virt-xml-validate", [file, "domain"], { timeout: 30_000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === "ENOENT") throw new Error("virt-xml-validate not found: apt-get install -y libvirt-clients");
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** Device snippets are validated inside the smallest domain that can hold them. */
const inDomain = (device: string) =>
  `<domain type='kvm'><name>snippet</name><memory unit='MiB'>512</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>${device}</devices></domain>`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-xml-validate-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("generated libvirt XML passes virt-xml-validate", () => {
  it("rejects a document that breaks the schema (the validator can fail)", async () => {
    const result = await validate(inDomain("<hostdev mode='subsystem' type='pci'><source><address bus='zz'/></source></hostdev>"));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/fails to validate|Relax-NG validity error/);
  });

  it.each([
    ["hostdev", buildHostdevXml({ address: "0000:86:00.2" })],
    ["unmanaged hostdev", buildHostdevXml({ address: "0000:5d:01.7", managed: false })],
    ["interface with MAC and VLAN", buildHostdevInterfaceXml({ address: "0000:86:00.3", mac: "52:54:00:6d:90:02", vlan: { id: 4094 } })],
    ["bare interface", buildHostdevInterfaceXml({ address: "0000:86:00.3" })],
  ])("%s snippet", async (_label, device) => {
    const result = await validate(inDomain(device));
    expect(result.output).toMatch(/validates/);
    expect(result.ok).toBe(true);
  });

  it.each(["q35", "i440fx"] as const)(
    "%s guest with 160 VFs as hostdevs and interfaces",
    async (machine) => {
      const hostdevs = Array.from({ length: 160 }, (_, i) => {
        const address = `0000:${(0x86 + (i >> 7)).toString(16)}:${((i >> 3) & 0xf).toString(16).padStart(2, "0")}.${i & 7}`;
        return i % 2 === 0
          ? { address }
          : { kind: "interface" as const, address, mac: `52:54:00:00:00:${(i & 0xff).toString(16).padStart(2, "0")}`, vlan: { id: i } };
      });
      const result = await validate(buildGuestDomainXml({ name: `vfleet-${machine}`, vcpus: 16, memoryMiB: 8192, machine, hostdevs }));
      expect(result.output).toMatch(/validates/);
      expect(result.ok).toBe(true);
    },
    60_000,
  );
});
