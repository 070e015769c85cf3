import { CloseCode } from "@vfleet/protocol";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";
import { waitFor } from "./jobs-helpers.ts";
import { launchChromium } from "./launch-chromium.ts";
import { signInPage } from "./sign-in-page.ts";
import { bearer, createUser, enrollHost, startTestStack, TEST_PASSWORD, type TestStack } from "./start-test-stack.ts";
import { connectReadyAgent, TestAgent } from "./test-agent.ts";

/**
 * An admin removes a host: its live agent socket closes with 4401 and reconnecting gets 4401,
 * the plan it was running ends `unknown` (not lost), the host leaves the host list, its totals
 * and the pools' capacity, while its jobs, audit events and reservation history stay readable.
 * A host enrolled again under the same name gets that name and works.
 */
let stack: TestStack;

async function api(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${stack.plane.url}${path}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function connectedHost(name: string) {
  const host = await enrollHost(stack.admin, name);
  const { agent } = await connectReadyAgent(stack.agentUrl, host.credential, name);
  agent.snapshot(buildDgx2Inventory({ hostname: name }));
  await agent.next("inventory.ack");
  return { host, agent };
}

const capacityHosts = async () => {
  const c = (await api("GET", "/api/v1/pools/cx5/capacity", stack.tokens.viewer)).body;
  return [...c.byHost, ...c.offline].map((r: { host: string }) => r.host);
};

it("removing a host closes its socket (4401), ends its plan's job as unknown, drops it from lists, totals and pools, and keeps its history", async () => {
  const { host, agent } = await connectedHost("gone-01");
  const other = await connectedHost("stays-01");
  expect(
    (await api("POST", "/api/v1/pools", stack.tokens.operator, { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } })).status,
  ).toBe(201);
  const placed = await api("POST", "/api/v1/placements", stack.tokens.operator, {
    pool: "cx5",
    count: 2,
    guest: { host: "gone-01", name: "g-new", vcpus: 4, memoryMiB: 4096 },
  });
  expect(placed.status).toBe(201);
  const dispatched = await agent.next("job.dispatch"); // the agent holds the plan's first job and never answers
  const listed = await api("GET", "/api/v1/hosts?q=-01", stack.tokens.viewer);
  expect(listed.body.hosts.map((h: { name: string }) => h.name).sort()).toEqual(["gone-01", "stays-01"]);
  expect(await capacityHosts()).toContain("gone-01");

  expect((await api("DELETE", `/api/v1/hosts/${host.hostId}`, stack.tokens.operator)).status).toBe(403);
  const removed = await api("DELETE", `/api/v1/hosts/${host.hostId}`, stack.tokens.admin);
  expect(removed).toMatchObject({ status: 200, body: { removed: { id: host.hostId, name: "gone-01" }, revoked: 1, disconnected: true } });
  expect(removed.body.unknownJobs).toContain(dispatched.payload.jobId);
  expect((await agent.closed).code).toBe(CloseCode.UNAUTHORIZED);
  const again = await TestAgent.connect(stack.agentUrl, host.credential);
  expect((await again.closed).code).toBe(CloseCode.UNAUTHORIZED);

  // The job in flight is unknown, not lost; the plan and its history can still be read.
  const job = await waitFor(
    "the job to be unknown",
    async () => {
      const j = (await api("GET", `/api/v1/jobs/${dispatched.payload.jobId}`, stack.tokens.viewer)).body.job;
      return j.state === "unknown" ? j : undefined;
    },
    10_000,
  );
  expect(job.error).toContain("removed");
  expect(job.attempt).toBe(1); // never sent again to the removed host's socket, still open for a moment
  // The plan's later jobs, still queued, are cancelled (they would wait forever), and nothing new is queued for the host.
  const plan = await api("GET", `/api/v1/plans/${placed.body.plan.id}`, stack.tokens.viewer);
  expect(plan.status).toBe(200);
  const later = (plan.body.jobs as { id: string; state: string }[]).filter((j) => j.id !== dispatched.payload.jobId);
  expect(later.length).toBeGreaterThan(0);
  expect(later.map((j) => j.state)).toEqual(later.map(() => "cancelled"));
  expect([...removed.body.cancelledJobs].sort()).toEqual(later.map((j) => j.id).sort());
  const refused = await api("POST", "/api/v1/jobs", stack.tokens.operator, {
    hostId: host.hostId,
    job: { kind: "vf.set-count", params: { pf: "0000:86:00.0", count: 0 } },
  });
  expect(refused).toMatchObject({ status: 409, body: { field: "hostId" } });
  expect(refused.body.error).toContain("was removed");
  const log = (await api("GET", `/api/v1/audit-log?hostId=${host.hostId}`, stack.tokens.viewer)).body.events as {
    action: string;
    actor: string;
  }[];
  expect(log.find((e) => e.action === "host.removed")).toMatchObject({ actor: "token:admin" });
  expect(log.length).toBeGreaterThan(1);
  const history = (await api("GET", `/api/v1/assignments/history?hostId=${host.hostId}`, stack.tokens.viewer)).body.events as {
    action: string;
  }[];
  expect(history.map((e) => e.action)).toContain("reserved");

  // Gone from the lists, the totals and the pools; the other host is untouched.
  const after = await api("GET", "/api/v1/hosts?q=-01", stack.tokens.viewer);
  expect(after.body.hosts.map((h: { name: string }) => h.name)).toEqual(["stays-01"]);
  expect(after.body.total).toBe(1);
  expect(await capacityHosts()).toEqual(expect.not.arrayContaining([expect.stringContaining("gone-01")]));
  expect(await capacityHosts()).toContain("stays-01");
  expect((await api("DELETE", `/api/v1/hosts/${host.hostId}`, stack.tokens.admin)).status).toBe(404);
  await other.agent.close();

  // The machine comes back with a new enrollment token under the same name: it gets the name and works.
  const back = await connectedHost("gone-01");
  expect(back.host.hostName).toBe("gone-01");
  expect(back.host.hostId).not.toBe(host.hostId);
  expect((await api("GET", `/api/v1/hosts/${back.host.hostId}`, stack.tokens.viewer)).body.host).toMatchObject({
    name: "gone-01",
    online: true,
  });
  expect(await capacityHosts()).toContain("gone-01");
  const dry = await api("POST", "/api/v1/placements", stack.tokens.operator, {
    pool: "cx5",
    count: 2,
    guest: { host: "gone-01", name: "g-back", vcpus: 4, memoryMiB: 4096 },
    dryRun: true,
  });
  expect(dry).toMatchObject({ status: 200, body: { placement: { host: "gone-01" } } });
  await back.agent.close();
});

it("in Chromium: an admin removes a host from its page after confirming; a viewer is not offered the button", async () => {
  const { host, agent } = await connectedHost("gui-gone-01");
  await createUser(stack.admin, "adele", "admin");
  await createUser(stack.admin, "vic", "viewer");
  const browser = await launchChromium();
  try {
    const viewer = await browser.newPage();
    await signInPage(viewer, stack.plane.url, "vic", TEST_PASSWORD, `/hosts/${host.hostId}`);
    await viewer.getByTestId("host-name").waitFor();
    expect(await viewer.getByTestId("remove-host").count()).toBe(0);

    const page = await browser.newPage();
    await signInPage(page, stack.plane.url, "adele", TEST_PASSWORD, `/hosts/${host.hostId}`);
    // Dismissing the confirmation removes nothing.
    page.once("dialog", (d) => void d.dismiss());
    await page.getByTestId("remove-host").click();
    await page.waitForTimeout(500);
    expect((await api("GET", `/api/v1/hosts/${host.hostId}`, stack.tokens.viewer)).body.host.name).toBe("gui-gone-01");
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.getByTestId("remove-host").click();
    await page.waitForURL(`${stack.plane.url}/`);
    expect(asked).toContain("Remove gui-gone-01?");
    expect((await agent.closed).code).toBe(CloseCode.UNAUTHORIZED);
    expect((await api("GET", "/api/v1/hosts?q=gui-gone", stack.tokens.viewer)).body.total).toBe(0);
    const log = (await api("GET", `/api/v1/audit-log?hostId=${host.hostId}`, stack.tokens.viewer)).body.events as {
      action: string;
      actor: string;
    }[];
    expect(log.find((e) => e.action === "host.removed")).toMatchObject({ actor: "adele" });
  } finally {
    await browser.close();
  }
});
