import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { JobResult } from "@vfleet/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";
import { runJobCli } from "./jobs-run-cli.ts";

afterEach(removeTrees);
const execFileAsync = promisify(execFile);
const PF = "0000:86:00.0";

describe("agent run-job", () => {
  it("runs a job on a simulated tree, prints the JobResult and exits 0; lspci sees the VFs", async () => {
    const root = await simTree("dgx2", 0);
    const r = await runJobCli([
      "--root",
      root,
      "--simulated",
      "--json",
      JSON.stringify({ kind: "vf.set-count", params: { pf: PF, count: 8 } }),
    ]);
    expect(r.code).toBe(0);
    const result = JobResult.parse(JSON.parse(r.stdout));
    expect([result.status, result.changed, result.observed.numVfs]).toEqual(["succeeded", true, 8]);
    const { stdout } = await execFileAsync("lspci", ["-A", "linux-sysfs", "-O", `sysfs.path=${root}/sys/bus/pci`, "-s", PF, "-vvv"], {
      maxBuffer: 16 << 20,
    });
    expect(stdout).toContain("Total VFs: 16, Number of VFs: 8");
    const vfs = await execFileAsync("lspci", ["-A", "linux-sysfs", "-O", `sysfs.path=${root}/sys/bus/pci`, "-D", "-d", "15b3:1018"]);
    expect(vfs.stdout.trim().split("\n")).toHaveLength(8);
  });

  it("exits 1 with the explanation when the job fails on the host", async () => {
    const root = await simTree("intel-82576");
    const r = await runJobCli([
      "--root",
      root,
      "--simulated",
      "--json",
      JSON.stringify({ kind: "vf.set-count", params: { pf: "0000:03:00.0", count: 2 } }),
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe("vfs-assigned");
    expect(r.stderr).toContain("1 of them are attached to guests (guestVM)");
  });

  it("honours --adopt for a device the simulator's all-sriov default does not cover, and refuses it next to an all-sriov policy", async () => {
    const root = await simTree("gpu-workstation");
    const AUDIO = "0000:00:1b.0"; // onboard HD audio on snd_hda_intel, alone in its IOMMU group
    const job = JSON.stringify({ kind: "device.bind", params: { device: AUDIO, driver: "vfio-pci" } });
    const adopted = await runJobCli(["--root", root, "--simulated", "--adopt", AUDIO, "--json", job]);
    expect([adopted.code, JSON.parse(adopted.stdout).observed.driver]).toEqual([0, "vfio-pci"]);
    const policy = path.join(root, "policy.json");
    await writeFile(policy, JSON.stringify({ version: 1, adopt: "all-sriov" }));
    const mixed = await runJobCli(["--root", root, "--simulated", "--policy", policy, "--adopt", AUDIO, "--json", job]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain(`--adopt ${AUDIO}: --policy ${policy} adopts "all-sriov", which a device list cannot extend`);
  });

  it("exits 2 for bad input naming the field, bad JSON, and a missing --json", async () => {
    const root = await simTree("intel-82576", 0);
    const bad = await runJobCli([
      "--root",
      root,
      "--simulated",
      "--json",
      JSON.stringify({ kind: "vf.set-count", params: { pf: "../x", count: 1 } }),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("params.pf: must be a PCI address like 0000:86:00.2");
    const notJson = await runJobCli(["--root", root, "--json", "{kind"]);
    expect([notJson.code, notJson.stderr.startsWith("agent run-job: --json: not JSON")]).toEqual([2, true]);
    expect((await runJobCli(["--root", root])).code).toBe(2);
    expect((await runJobCli(["--root", root, "--bogus"])).code).toBe(2);
  });

  it("uses the policy file: nothing adopted means refused; a malformed policy is a usage error", async () => {
    const root = await simTree("intel-82576", 0);
    const policy = path.join(root, "policy.json");
    await writeFile(policy, JSON.stringify({ version: 1, adopt: [] }));
    const job = JSON.stringify({ kind: "vf.set-count", params: { pf: "0000:03:00.1", count: 2 } });
    const refused = await runJobCli(["--root", root, "--simulated", "--policy", policy, "--json", job]);
    expect([refused.code, JSON.parse(refused.stdout).error.code]).toEqual([1, "not-adopted"]);
    const adopted = await runJobCli(["--root", root, "--simulated", "--policy", policy, "--adopt", "0000:03:00.1", "--json", job]);
    expect(adopted.code).toBe(0);
    await writeFile(policy, JSON.stringify({ version: 1, adopt: ["a/b"] }));
    const malformed = await runJobCli(["--root", root, "--simulated", "--policy", policy, "--json", job]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("adopt.0: must be a PCI address like 0000:86:00.2");
  });

  it("times out a hanging write (--timeout-ms) and exits 1", async () => {
    const root = await simTree("intel-82576", 0);
    const { setFaults } = await import("./jobs-sim-tree.ts");
    await setFaults(root, { hangOn: ["sriov_numvfs"] });
    const r = await runJobCli([
      "--root",
      root,
      "--simulated",
      "--timeout-ms",
      "200",
      "--json",
      JSON.stringify({ kind: "vf.set-count", params: { pf: "0000:03:00.1", count: 2 } }),
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe("ETIMEDOUT");
  });
});
