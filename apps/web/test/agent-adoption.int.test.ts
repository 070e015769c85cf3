import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, waitFor, type Api } from "./jobs-helpers.ts";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";
import { bearer, enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";
import { TestAgent } from "./test-agent.ts";

/**
 * The agent's adoption policy reaches the control plane (protocol 1.8): real agent processes
 * report theirs at hello, the host summary shows it, and a job on a device outside it is
 * predicted refused in the preview, and refused before queueing. An agent that
 * reports nothing (1.7) leaves it "could not tell": no refusal guessed, a note instead.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const GTX = ["0000:01:00.0", "0000:01:00.1"];
/** The workstation's USB 3 controller: an endpoint alone in its IOMMU group, on its host driver, not adopted. */
const USB = "0000:03:00.0";

let stack: TestStack;
let fleet: Fleet;
let api: Api;
let workDir: string;
let oldAgent: TestAgent | undefined;
const ids: Record<string, string> = {};

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-adoption-"));
  const policy = join(workDir, "policy.json");
  await writeFile(policy, JSON.stringify({ version: 1, adopt: GTX }));
  stack = await startTestStack();
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [
      { name: "gpu-policy", profile: "gpu-workstation", agentArgs: ["--policy", policy] },
      { name: "igb-sim", profile: "intel-82576" },
    ],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  const hosts = await waitFor("two snapshots", async () => {
    const list = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    return list.length === 2 && list.every((h) => h.snapshotAt) ? list : undefined;
  });
  for (const h of hosts) ids[h.name] = h.id;
});
afterAll(async () => {
  await oldAgent?.close();
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const host = async (name: string) => (await api.get(`/api/v1/hosts/${ids[name]}`)).body.host;
const dryRun = async (name: string, job: unknown) => {
  const res = await api.post("/api/v1/jobs", { hostId: ids[name], dryRun: true, job });
  expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
  return res.body.preview as { refusals: string[]; notes: string[] };
};

describe("the agent's adoption policy", () => {
  it("is reported by real agents and shown in the host summary: a policy file's list, the simulator's permissive default", async () => {
    expect((await host("gpu-policy")).adoption).toEqual({ adopt: GTX, simulatorDefault: false });
    expect((await host("igb-sim")).adoption).toEqual({ adopt: "all-sriov", simulatorDefault: true });
    const listed = (await api.get("/api/v1/hosts")).body.hosts as { name: string; adoption: unknown }[];
    expect(listed.find((h) => h.name === "gpu-policy")?.adoption).toEqual({ adopt: GTX, simulatorDefault: false });
  });

  it("predicts the refusal of a device it did not adopt in the preview, and the API refuses it before queueing", async () => {
    const bind = { kind: "device.bind", params: { device: USB, driver: "vfio-pci" } };
    const preview = await dryRun("gpu-policy", bind);
    expect(preview.refusals).toEqual([
      `${USB} is not adopted: the agent's policy adopts ${GTX.join(", ")}; add ${USB} to "adopt" in its policy file if vfleet may manage it: the agent refuses.`,
    ]);
    // The host page's change form marks it before it is picked (the browser test shows it disabled).
    const html = await (await fetch(`${stack.plane.url}/hosts/${ids["gpu-policy"]}`, { headers: bearer(stack.tokens.operator) })).text();
    expect(html).toContain(`not adopted: the agent&#x27;s policy adopts ${GTX.join(", ")}; add ${USB}`);
    expect(html).toMatch(new RegExp(`data-testid="host-adoption"[^>]*> (<!-- -->)?· <!-- -->adopts ${GTX.join(", ")}<`));
    // An adopted device is not marked: the GTX's give-back is refused only because its guest runs.
    const gtx = await dryRun("gpu-policy", { kind: "device.bind", params: { device: GTX[0], driver: "host" } });
    expect(gtx.refusals.join(" ")).not.toContain("not adopted");
    // The API refuses it before queueing, for the same reason (the real agent's own refusal: jobs-refused-before-queueing).
    const basis = (await api.post("/api/v1/jobs", { hostId: ids["gpu-policy"], job: bind, dryRun: true })).body.basis;
    const refused = await api.post("/api/v1/jobs", { hostId: ids["gpu-policy"], job: bind, basis });
    expect([refused.status, refused.body.refusals]).toEqual([409, preview.refusals]);
  });

  it("with the simulator's default, a VF is adopted and a device that is not SR-IOV is not", async () => {
    const inv = (await api.get(`/api/v1/hosts/${ids["igb-sim"]}`)).body.inventory as {
      devices: { address: string; physfn: string | null; sriov: unknown; driver: string | null }[];
    };
    const vf = inv.devices.find((d) => d.physfn && d.driver !== "vfio-pci")!;
    expect((await dryRun("igb-sim", { kind: "device.bind", params: { device: vf.address, driver: "vfio-pci" } })).refusals).toEqual([]);
  });

  it("from an agent that reports none (protocol 1.7) could not be told: nothing predicted, a note says so", async () => {
    const enrolled = await enrollHost(stack.admin, "dgx-old");
    oldAgent = await TestAgent.connect(stack.agentUrl, enrolled.credential);
    oldAgent.hello("1.7", "dgx-old");
    await oldAgent.next("server.welcome");
    const inv = buildDgx2Inventory({ hostname: "dgx-old" });
    oldAgent.snapshot(inv);
    await oldAgent.next("inventory.ack");
    ids["dgx-old"] = enrolled.hostId;
    expect((await host("dgx-old")).adoption).toBeNull();
    // A PF none of whose VFs a guest holds: its VF count changes, which a 1.8 agent's policy decides.
    const pf = inv.devices.filter((d) => d.sriov)[1]!;
    const preview = await dryRun("dgx-old", { kind: "vf.set-count", params: { pf: pf.address, count: pf.sriov!.numVfs - 1 } });
    expect(preview.refusals).toEqual([]);
    expect(preview.notes).toContain(
      "The host's agent did not report which devices its policy adopts (agents before protocol 1.8 do not): whether it adopted these could not be told; it decides when the job runs.",
    );
    // The host page's change form says so too, and marks no device as not adopted.
    const html = await (await fetch(`${stack.plane.url}/hosts/${ids["dgx-old"]}`, { headers: bearer(stack.tokens.operator) })).text();
    expect(html).toContain("that could not be told, so none is marked for it");
    expect(html).not.toContain("not adopted:");
    expect(html).toContain("adoption policy not reported (could not tell)");
  });
});
