import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashContent } from "@vfleet/protocol/hash";
import { MAX_FRAME_BYTES, type Inventory } from "@vfleet/protocol";
import { MAX_BUFFERED_BYTES } from "../server/control-plane-side-session.ts";
import { enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";
import { connectReadyAgent } from "./test-agent.ts";

const SLOW_AGENT = fileURLToPath(new URL("./fixtures/slow-reading-agent.py", import.meta.url));

/**
 * An agent that stops reading its socket: what the server sends it piles up in the
 * control plane's memory. Past the bound the socket is terminated, the host goes offline, and
 * other agents are served. The agent is a real process on a real TCP socket with a 4 KiB receive
 * buffer (test/fixtures/slow-reading-agent.py) that says hello and then sends snapshots, each
 * answered with an inventory.ack, and reads nothing. The bound is set to 256 KiB for the test (the
 * default, 16 MiB, takes ~70,000 acks of ~240 bytes); pings are an hour apart so only the bound can
 * end the socket. The kernel still takes ~3 MB before anything queues in the server (the server's
 * send buffer grows), so this runs ~14,000 snapshots paced at 250/s: about a minute.
 */
const LIMIT = 256 * 1024;
const FIXTURE = fileURLToPath(
  new URL("../../../packages/protocol/test/fixtures/v1/inventory.snapshot/82576-two-vfs.json", import.meta.url),
);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ heartbeatIntervalMs: 3_600_000, offlineAfterMs: 7_200_000, agentMaxBufferedBytes: LIMIT });
});
afterAll(async () => {
  await stack?.stop();
});

describe("a slow-reading agent", () => {
  it("is terminated once the unsent bytes pass the bound; the host goes offline and others are served", async () => {
    expect(MAX_BUFFERED_BYTES).toBe(4 * MAX_FRAME_BYTES);
    const inventory = (JSON.parse(await readFile(FIXTURE, "utf8")) as { payload: { inventory: Inventory } }).payload.inventory;
    const slow = await enrollHost(stack.admin, "slow-01", inventory.host.hostname);
    const other = await enrollHost(stack.admin, "other-01", inventory.host.hostname);
    const { agent: bystander } = await connectReadyAgent(stack.agentUrl, other.credential);
    const hash = hashContent(inventory);
    const template = JSON.stringify({
      type: "inventory.snapshot",
      id: "@ID@",
      ts: new Date().toISOString(),
      payload: { hash, scannedAt: new Date().toISOString(), scanMs: 1, inventory },
    });

    const url = new URL(stack.plane.url);
    const child = spawn("python3", [SLOW_AGENT, url.hostname, url.port, slow.credential, inventory.host.hostname], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    child.stdin.end(template);
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    const terminated = () => stack.logs.find((l) => l.message === "agent not reading, terminating" && l.fields?.hostId === slow.hostId);
    await expect.poll(terminated, { timeout: 120_000, interval: 200 }).toBeDefined();
    const line = terminated()!;
    expect(line.fields).toMatchObject({ limit: LIMIT });
    expect(line.fields!.bufferedBytes as number).toBeGreaterThan(LIMIT);
    // A ping could not have ended it: none was due, and the log says why it ended.
    expect(stack.logs.some((l) => l.message === "agent socket unresponsive, terminating")).toBe(false);
    await expect
      .poll(async () => (await stack.db.host.findUniqueOrThrow({ where: { id: slow.hostId } })).online, { timeout: 10_000 })
      .toBe(false);

    // The agent process learns it by its next write failing.
    await exited;
    const result = JSON.parse(out) as { sent: number; ended: string };
    expect(result.ended).toMatch(/BrokenPipeError|ConnectionResetError/);
    const acks = stack.logs.filter((l) => l.message === "snapshot received" && l.fields?.hostId === slow.hostId).length;

    const { hash: otherHash } = bystander.snapshot(inventory);
    expect((await bystander.next("inventory.ack")).payload).toMatchObject({ hash: otherHash });
    await bystander.close();
    console.log(
      `slow reader terminated after ${acks} acks (${line.fields!.bufferedBytes} bytes queued, bound ${LIMIT}); it had sent ${result.sent} snapshots`,
    );
  }, 150_000);
});
