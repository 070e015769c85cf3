import { afterAll, beforeAll, expect, it } from "vitest";
import { listHosts } from "@vfleet/db";
import { enrollHost, startTestStack, type TestStack } from "../test/start-test-stack.ts";
import { connectReadyAgent } from "../test/test-agent.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ heartbeatIntervalMs: 200, offlineAfterMs: 1_000 });
});
afterAll(async () => {
  await stack?.stop();
});

it("marks a silent host offline and drops its socket, while a heartbeating host stays online", async () => {
  const silent = await enrollHost(stack.admin, "silent-01");
  const beating = await enrollHost(stack.admin, "beating-01");
  const { agent: quiet } = await connectReadyAgent(stack.agentUrl, silent.credential);
  const { agent: alive } = await connectReadyAgent(stack.agentUrl, beating.credential);
  const heartbeat = setInterval(() => alive.send("agent.heartbeat", { uptimeSec: 1 }), 200);
  const t0 = Date.now();
  try {
    const online = async (id: string) => (await listHosts(stack.db)).find((h) => h.id === id)?.online;
    expect(await online(silent.hostId)).toBe(true);
    await expect.poll(() => online(silent.hostId), { timeout: 5_000, interval: 100 }).toBe(false);
    // offlineAfterMs plus one sweep interval (200 ms) plus slack.
    expect(Date.now() - t0).toBeLessThan(2_500);
    await quiet.closed;
    expect(await online(beating.hostId)).toBe(true);
    expect(
      stack.logs.some((l) => l.message === "hosts went silent, marked offline" && (l.fields?.hostIds as string[]).includes(silent.hostId)),
    ).toBe(true);
  } finally {
    clearInterval(heartbeat);
    await alive.close();
  }
});
