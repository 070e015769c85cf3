import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDgx2Inventory } from "../test/build-dgx2-inventory.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { bearer, enrollHost, startTestStack, type TestStack } from "../test/start-test-stack.ts";
import { connectReadyAgent, type TestAgent } from "../test/test-agent.ts";

/**
 * Everything an agent reports is untrusted: a compromised host could report markup. The pages
 * must show it as text (React escapes it; nothing may bypass that), in real Chromium.
 */

const MARKUP = "<img src=x onerror=alert(1)>";

let stack: TestStack;
let browser: Browser;
let agent: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
});
afterAll(async () => {
  await agent?.close();
  await browser?.close();
  await stack?.stop();
});

it("refuses a host name with markup at enrollment, naming the field", async () => {
  const token = await fetch(`${stack.plane.url}/api/v1/enrollment-tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(stack.tokens.admin) },
    body: "{}",
  });
  const res = await fetch(`${stack.plane.url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: ((await token.json()) as { token: string }).token, hostname: MARKUP }),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { field: string }).field).toBe("hostname");
});

it("shows agent-reported guest names, drivers and kernel command lines with markup as text, running no script", async () => {
  const host = await enrollHost(stack.admin, "xss-01");
  agent = (await connectReadyAgent(stack.agentUrl, host.credential, "xss-01")).agent;
  const inventory = buildDgx2Inventory({ hostname: "xss-01" });
  inventory.host.kernelCmdline = `ro intel_iommu=on ${MARKUP}`;
  inventory.guests[0]!.name = MARKUP;
  inventory.devices.find((d) => d.sriov)!.driver = MARKUP;
  agent.snapshot(inventory);
  expect((await agent.next("inventory.ack")).payload.stored).toBe(true);

  const page = await browser.newPage({ extraHTTPHeaders: bearer(stack.tokens.viewer) });
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  for (const path of ["/", `/hosts/${host.hostId}`, `/hosts/${host.hostId}/audit`]) {
    await page.goto(`${stack.plane.url}${path}`);
    await page.waitForLoadState("load");
    expect(await page.locator('img[src="x"]').count(), path).toBe(0);
  }
  // The host page shows each string literally.
  await page.goto(`${stack.plane.url}/hosts/${host.hostId}`);
  expect(await page.getByTestId("kernel-cmdline").textContent()).toBe(`ro intel_iommu=on ${MARKUP}`);
  expect(await page.getByTestId(`guest-row-${MARKUP}`).count()).toBe(1);
  expect(await page.getByText(MARKUP, { exact: true }).count()).toBeGreaterThanOrEqual(2);
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
});
