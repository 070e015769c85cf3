import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inventory } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";
import { apiClient, waitFor, type Api } from "./jobs-helpers.ts";
import { bearer, startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * A host whose agent cannot reach libvirtd (here: a real agent process with no virsh on its PATH,
 * as on a hypervisor without libvirt-clients). The agent says so in its inventory, the control
 * plane refuses guest jobs before queueing them, and the host page says why and how to fix it.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const HOST = "igb-no-libvirt";

let stack: TestStack;
let api: Api;
let workDir: string;
let agent: ChildProcess;
let hostId: string;
let inventory: Inventory;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-no-libvirt-"));
  stack = await startTestStack();
  api = apiClient(stack.plane.url, stack.tokens.admin);
  const root = join(workDir, "root");
  await buildTree("intel-82576", root);
  const token = (await api.post("/api/v1/enrollment-tokens", { hostName: HOST })).body.token as string;
  agent = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      agentCli,
      "run",
      "--server",
      stack.agentUrl,
      "--state",
      join(workDir, "state.json"),
      "--root",
      root,
      "--simulated",
      "--scan-interval-ms",
      "500",
    ],
    {
      env: { ...process.env, PATH: join(workDir, "no-such-bin"), VFLEET_ENROLL_TOKEN: token },
      stdio: "ignore",
    },
  );
  inventory = await waitFor("the host's first snapshot", async () => {
    const hosts = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    const h = hosts.find((x) => x.name === HOST && x.snapshotAt);
    if (!h) return undefined;
    hostId = h.id;
    return ((await api.get(`/api/v1/hosts/${hostId}`)).body.inventory as Inventory | null) ?? undefined;
  });
});

afterAll(async () => {
  agent?.kill("SIGTERM");
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("a host whose agent cannot reach libvirtd", () => {
  it("reports it in the inventory, with the fix", () => {
    expect(inventory.host.libvirt).toMatchObject({ reachable: false, uri: "qemu:///system" });
    expect(inventory.host.libvirt!.detail).toMatch(/apt-get install -y libvirt-daemon libvirt-clients/);
  });

  it("gets guest jobs refused before anything is queued, naming libvirtd; other jobs still go", async () => {
    const guest = inventory.guests[0]!.name;
    const vf = inventory.devices.find((d) => d.physfn)!.address;
    const before = await stack.db.job.count();
    const res = await api.post("/api/v1/jobs", {
      hostId,
      dryRun: true,
      job: { kind: "guest.attach", params: { guest, devices: [{ address: vf }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe("job.kind");
    expect(res.body.error).toMatch(/guest changes need libvirtd.*qemu:\/\/\/system/);
    expect(await stack.db.job.count()).toBe(before);
    // A PF none of whose VFs a guest holds: a count change under assigned VFs is a 409 of its own.
    const held = new Set(inventory.guests.flatMap((g) => g.hostdevs.map((h) => h.address)));
    const pf = inventory.devices.find((d) => d.sriov && !d.sriov.vfs.some((vf) => held.has(vf)))!.address;
    expect((await api.post("/api/v1/jobs", { hostId, dryRun: true, job: { kind: "vf.set-count", params: { pf, count: 2 } } })).status).toBe(
      200,
    );
  });

  it("has the host page say that guests cannot be changed and why", async () => {
    const html = await (await fetch(`${stack.plane.url}/hosts/${hostId}`, { headers: bearer(stack.tokens.viewer) })).text();
    expect(html).toContain('data-testid="guests-libvirt-unavailable"');
    expect(html).toMatch(/cannot reach libvirtd/);
  });
});
