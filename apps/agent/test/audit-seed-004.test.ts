import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTree } from "@vfleet/simulator";
import { runAudit } from "./audit-run-cli.ts";

/**
 * Seed 004's workstation (simulator profile gpu-workstation): the GTX 750 and its HDMI audio
 * share IOMMU group 1 with the processor root port 00:01.0, which has no ACS. Guest win-gtx750
 * holds both functions. A second guest planning only the GPU gets a group that is not viable.
 */
interface Check {
  id: string;
  status: string;
  evidence: string[];
  remediation: string | null;
}
let root = "";

const guest = (name: string, functions: string[]) => `<domain type='kvm'><name>${name}</name><memory unit='GiB'>8</memory><vcpu>4</vcpu>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><devices>
  ${functions.map((f) => `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x${f}'/></source></hostdev>`).join("\n  ")}
  </devices></domain>`;

async function auditGuest(name: string, functions: string[]) {
  const file = path.join(root, `${name}.xml`);
  await writeFile(file, guest(name, functions));
  const { code, stdout } = await runAudit(["--root", root, "--guest", file, "--json"]);
  const checks = (JSON.parse(stdout) as { checks: Check[] }).checks;
  return { code, viability: checks.find((c) => c.id === "groups.viability")!, acs: checks.find((c) => c.id === "groups.acs-isolation")! };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "vfleet-gpu-ws-"));
  await buildTree("gpu-workstation", root);
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("seed 004 on the simulated GPU workstation", () => {
  it("the guest holding GPU + audio has a viable group, shared with the root port for lack of ACS", async () => {
    const { viability, acs } = await auditGuest("win-gtx750", ["0", "1"]);
    expect(viability.status).toBe("pass");
    expect(viability.evidence).toContain(
      "group 1: bridge/root port 0000:00:01.0 without ACS isolation shares it with 0000:01:00.0, 0000:01:00.1",
    );
    expect(acs.status).toBe("warn");
  }, 60_000);

  it("another guest planning the GPU alone fails: its audio function belongs to win-gtx750", async () => {
    const { code, viability } = await auditGuest("linux", ["0"]);
    expect(code).toBe(1);
    expect(viability.status).toBe("fail");
    expect(viability.evidence).toContain("group 1 is not viable for linux: 0000:01:00.1 is assigned to win-gtx750");
    expect(viability.remediation).toMatch(/missing ACS/);
  }, 60_000);
});
