import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, MAX_FRAME_BYTES } from "@vfleet/protocol";
import { getKnownHash, listHosts, loadInventory } from "@vfleet/db";
import { buildDgx2Inventory } from "../test/build-dgx2-inventory.ts";
import { bearer, enrollHost, startTestStack, type TestStack } from "../test/start-test-stack.ts";
import { TestAgent, connectReadyAgent } from "../test/test-agent.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ heartbeatIntervalMs: 500, offlineAfterMs: 60_000 });
});
afterAll(async () => {
  await stack?.stop();
});

const hostOnline = async (hostId: string) => (await listHosts(stack.db)).find((h) => h.id === hostId)?.online;

describe("agent gateway: the happy path", () => {
  it("enrolls, welcomes, stores a snapshot once and acks an unchanged one without writing", async () => {
    const host = await enrollHost(stack.admin, "dgx2-01");
    const { agent, welcome } = await connectReadyAgent(stack.agentUrl, host.credential);
    expect(welcome.payload).toMatchObject({ hostId: host.hostId, hostName: "dgx2-01", heartbeatIntervalMs: 500, knownHash: null });
    expect(await hostOnline(host.hostId)).toBe(true);

    const inventory = buildDgx2Inventory({ hostname: "dgx2-01" });
    const first = agent.snapshot(inventory);
    const ack = await agent.next("inventory.ack");
    expect(ack.payload).toEqual({ replyTo: first.id, hash: first.hash, stored: true });
    expect(await getKnownHash(stack.db, host.hostId)).toBe(first.hash);
    expect((await loadInventory(stack.db, host.hostId))?.devices).toHaveLength(inventory.devices.length);

    const again = agent.snapshot(inventory);
    expect((await agent.next("inventory.ack")).payload).toEqual({ replyTo: again.id, hash: first.hash, stored: false });

    const res = await fetch(`${stack.plane.url}/api/v1/hosts`, { headers: bearer(stack.tokens.viewer) });
    const { hosts } = (await res.json()) as { hosts: { id: string; online: boolean; capacity: unknown }[] };
    expect(hosts.find((h) => h.id === host.hostId)).toMatchObject({
      online: true,
      capacity: { possible: 160, created: 160, bound: 160, assigned: 0, free: 160 },
    });

    const detail = await fetch(`${stack.plane.url}/api/v1/hosts/${host.hostId}`, { headers: bearer(stack.tokens.viewer) });
    const body = (await detail.json()) as {
      capacity: { pfs: unknown[]; totals: { created: number } };
      inventory: { host: { hostname: string } };
    };
    expect(body.capacity.pfs).toHaveLength(10);
    expect(body.capacity.totals.created).toBe(160);
    expect(body.inventory.host.hostname).toBe("dgx2-01");

    await agent.close();
    // Reconnecting agents learn what the server holds and can skip sending it again.
    const { agent: back, welcome: again2 } = await connectReadyAgent(stack.agentUrl, host.credential);
    expect(again2.payload.knownHash).toBe(first.hash);
    await back.close();
  });

  it("marks the host offline when its socket closes and tells the browser", async () => {
    const host = await enrollHost(stack.admin, "closer-01");
    const seen: string[] = [];
    const unsubscribe = stack.plane.events.subscribe((e) => {
      if (e.hostId === host.hostId) seen.push(e.type);
    });
    const { agent } = await connectReadyAgent(stack.agentUrl, host.credential);
    expect(await hostOnline(host.hostId)).toBe(true);
    await agent.close();
    await expect.poll(() => hostOnline(host.hostId), { timeout: 5_000 }).toBe(false);
    expect(seen).toEqual(["host-online", "host-offline"]);
    unsubscribe();
  });

  it("streams host events over SSE at /api/v1/events", async () => {
    const host = await enrollHost(stack.admin, "sse-01");
    const controller = new AbortController();
    const res = await fetch(`${stack.plane.url}/api/v1/events`, { signal: controller.signal, headers: bearer(stack.tokens.viewer) });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const { agent } = await connectReadyAgent(stack.agentUrl, host.credential);
    agent.snapshot(buildDgx2Inventory({ hostname: "sse-01" }));
    let text = "";
    while (!text.includes('"host-changed"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain(`{"type":"host-online","hostId":"${host.hostId}"}`);
    expect(text).toContain(`"type":"host-changed","hostId":"${host.hostId}"`);
    controller.abort();
    await agent.close();
  });
});

describe("enrollment REST", () => {
  const post = (path: string, body: unknown) =>
    fetch(`${stack.plane.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(stack.tokens.admin) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("names the bad field with 400", async () => {
    const cases: [unknown, string][] = [
      [{ hostname: "h1" }, "token"],
      [{ token: "x" }, "hostname"],
      [{ token: "x", hostname: "bad host name!" }, "hostname"],
      ["not json", "body"],
    ];
    for (const [body, field] of cases) {
      const res = await post("/api/v1/enroll", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = (await res.json()) as { field: string; error: string };
      expect(json.field).toBe(field);
      expect(json.error).toMatch(new RegExp(`^${field}: `));
    }
    for (const hostName of ["", "has space", "../etc", "x".repeat(64)]) {
      const res = await post("/api/v1/enrollment-tokens", { hostName });
      expect(res.status, hostName).toBe(400);
      expect(((await res.json()) as { field: string }).field).toBe("hostName");
    }
  });

  it("refuses non-JSON API writes (415) and a rebound DNS name (421), writing nothing", async () => {
    const form = await fetch(`${stack.plane.url}/api/v1/enrollment-tokens`, {
      method: "POST",
      headers: { "content-type": "text/plain", ...bearer(stack.tokens.admin) },
      body: JSON.stringify({ hostName: "via-form" }),
    });
    expect(form.status).toBe(415);
    const { port } = new URL(stack.plane.url);
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: "127.0.0.1", port, path: "/api/v1/hosts", headers: { host: `attacker.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on("error", reject);
      r.end();
    });
    expect(status).toBe(421);
    expect(await stack.db.enrollmentToken.count({ where: { hostName: "via-form" } })).toBe(0);
  });

  it("refuses unknown and used tokens with 401", async () => {
    expect((await post("/api/v1/enroll", { token: "vft_nope", hostname: "h1" })).status).toBe(401);
    const { token } = (await (await post("/api/v1/enrollment-tokens", {})).json()) as { token: string };
    expect((await post("/api/v1/enroll", { token, hostname: "once-01" })).status).toBe(201);
    const reused = await post("/api/v1/enroll", { token, hostname: "once-01" });
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as { field: string }).field).toBe("token");
  });

  it("answers 404 for an unknown host", async () => {
    expect((await fetch(`${stack.plane.url}/api/v1/hosts/nope`, { headers: bearer(stack.tokens.viewer) })).status).toBe(404);
  });
});

describe("agent gateway: bad input closes with its code, writes nothing, and others stay served", () => {
  let victim: { hostId: string; credential: string };
  let storedHash: string;
  let bystander: TestAgent;
  let bystanderSnapshots = 0;

  beforeAll(async () => {
    victim = await enrollHost(stack.admin, "victim-01");
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    storedHash = agent.snapshot(buildDgx2Inventory({ hostname: "victim-01" })).hash;
    expect((await agent.next("inventory.ack")).payload.stored).toBe(true);
    await agent.close();
    const other = await enrollHost(stack.admin, "bystander-01");
    bystander = (await connectReadyAgent(stack.agentUrl, other.credential)).agent;
  });
  afterAll(async () => {
    await bystander?.close();
  });

  /** After each bad case: the victim's stored inventory is untouched and the bystander still gets acks. */
  async function expectNothingWrittenAndOthersServed(): Promise<void> {
    expect(await getKnownHash(stack.db, victim.hostId)).toBe(storedHash);
    expect((await loadInventory(stack.db, victim.hostId))?.guests[0]?.hostdevs).toHaveLength(0);
    const { hash } = bystander.snapshot(buildDgx2Inventory({ hostname: "bystander-01", assigned: ++bystanderSnapshots % 16 }));
    const ack = await bystander.next("inventory.ack");
    expect(ack.payload).toMatchObject({ hash, stored: true });
  }

  const rejectionLogged = (code: number) => stack.logs.some((l) => l.level === "warn" && l.fields?.closeCode === code);

  it("malformed JSON -> 4400 BAD_MESSAGE", async () => {
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    agent.sendRaw("{ this is not json");
    const closed = await agent.closed;
    expect(closed).toEqual({ code: CloseCode.BAD_MESSAGE, reason: "frame is not valid JSON" });
    expect(rejectionLogged(CloseCode.BAD_MESSAGE)).toBe(true);
    await expectNothingWrittenAndOthersServed();
  });

  it("unknown message type -> 4400 BAD_MESSAGE", async () => {
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    agent.send("vf.assign-everything", { all: true });
    const closed = await agent.closed;
    expect(closed.code).toBe(CloseCode.BAD_MESSAGE);
    expect(closed.reason).toMatch(/^type: /);
    await expectNothingWrittenAndOthersServed();
  });

  it("snapshot failing its schema -> 4400 BAD_MESSAGE naming the field", async () => {
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    const inventory = buildDgx2Inventory({ hostname: "victim-01", assigned: 4 });
    const broken = { ...inventory, devices: inventory.devices.map((d, i) => (i === 5 ? { ...d, address: "not-a-bdf" } : d)) };
    agent.send("inventory.snapshot", { hash: "0".repeat(64), scannedAt: new Date().toISOString(), scanMs: 1, inventory: broken });
    const closed = await agent.closed;
    expect(closed.code).toBe(CloseCode.BAD_MESSAGE);
    expect(closed.reason).toContain("payload.inventory.devices.5.address");
    await expectNothingWrittenAndOthersServed();
  });

  it("snapshot whose hash does not match its content -> 4400 BAD_MESSAGE", async () => {
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    agent.send("inventory.snapshot", {
      hash: "a".repeat(64),
      scannedAt: new Date().toISOString(),
      scanMs: 1,
      inventory: buildDgx2Inventory({ hostname: "victim-01", assigned: 4 }),
    });
    const closed = await agent.closed;
    expect(closed.code).toBe(CloseCode.BAD_MESSAGE);
    expect(closed.reason).toContain("payload.hash");
    await expectNothingWrittenAndOthersServed();
  });

  it("snapshot whose IOMMU groups contradict its devices -> 4400 BAD_MESSAGE naming the field", async () => {
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    const inventory = buildDgx2Inventory({ hostname: "victim-01", assigned: 4 });
    inventory.iommuGroups[0]!.devices.push("0000:ff:1f.7");
    agent.snapshot(inventory);
    const closed = await agent.closed;
    expect(closed.code).toBe(CloseCode.BAD_MESSAGE);
    expect(closed.reason).toMatch(/^payload\.inventory\.iommuGroups\[0\]\.devices\[\d+\]: 0000:ff:1f\.7 is not in inventory\.devices$/);
    expect(rejectionLogged(CloseCode.BAD_MESSAGE)).toBe(true);
    await expectNothingWrittenAndOthersServed();
  });

  it("a message before hello -> 4400 BAD_MESSAGE", async () => {
    const agent = await TestAgent.connect(stack.agentUrl, victim.credential);
    agent.snapshot(buildDgx2Inventory({ hostname: "victim-01", assigned: 4 }));
    const closed = await agent.closed;
    expect(closed).toEqual({ code: CloseCode.BAD_MESSAGE, reason: "first message must be agent.hello, got inventory.snapshot" });
    await expectNothingWrittenAndOthersServed();
  });

  it("missing credential -> 4401 UNAUTHORIZED", async () => {
    const agent = new TestAgent(stack.agentUrl, null);
    const closed = await agent.closed;
    expect(closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: "missing Authorization: Bearer <credential>" });
    expect(rejectionLogged(CloseCode.UNAUTHORIZED)).toBe(true);
    await expectNothingWrittenAndOthersServed();
  });

  it("wrong credential -> 4401 UNAUTHORIZED", async () => {
    const agent = new TestAgent(stack.agentUrl, "vfa_this-credential-was-never-issued");
    const closed = await agent.closed;
    expect(closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: "unknown or revoked credential" });
    await expectNothingWrittenAndOthersServed();
  });

  it("frame over MAX_FRAME_BYTES -> 1009", async () => {
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    agent.sendRaw("x".repeat(MAX_FRAME_BYTES + 1));
    const closed = await agent.closed;
    expect(closed.code).toBe(CloseCode.TOO_LARGE);
    expect(stack.logs.some((l) => l.message === "agent socket error" && l.fields?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH")).toBe(true);
    await expectNothingWrittenAndOthersServed();
  });

  it("snapshot lying about its host -> 4403 IDENTITY_MISMATCH", async () => {
    const { agent } = await connectReadyAgent(stack.agentUrl, victim.credential);
    agent.snapshot(buildDgx2Inventory({ hostname: "bystander-01", assigned: 4 }));
    const closed = await agent.closed;
    expect(closed.code).toBe(CloseCode.IDENTITY_MISMATCH);
    expect(closed.reason).toContain("bystander-01");
    expect(rejectionLogged(CloseCode.IDENTITY_MISMATCH)).toBe(true);
    await expectNothingWrittenAndOthersServed();
  });

  it("unsupported protocol version -> 4406 UNSUPPORTED_VERSION", async () => {
    const agent = await TestAgent.connect(stack.agentUrl, victim.credential);
    agent.hello("2.0");
    const error = await agent.next("server.error");
    expect(error.payload.code).toBe("unsupported-version");
    const closed = await agent.closed;
    expect(closed.code).toBe(CloseCode.UNSUPPORTED_VERSION);
    expect(closed.reason).toContain("2.0");
    await expectNothingWrittenAndOthersServed();
  });

  it("a second connection with the same credential is refused (4423) while the first answers pings; the first keeps serving", async () => {
    const { agent: first } = await connectReadyAgent(stack.agentUrl, victim.credential);
    const second = await TestAgent.connect(stack.agentUrl, victim.credential);
    const refused = await second.closed;
    expect(refused.code).toBe(CloseCode.CREDENTIAL_IN_USE);
    expect(refused.reason).toContain("another live connection holds this host's credential");
    expect(await hostOnline(victim.hostId)).toBe(true);
    const { hash } = first.snapshot(buildDgx2Inventory({ hostname: "victim-01" }));
    expect((await first.next("inventory.ack")).payload).toMatchObject({ hash, stored: false });
    const audit = await stack.db.auditEvent.findMany({ where: { hostId: victim.hostId, action: "agent.credential-conflict" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.summary).toMatch(
      /a second connection with this host's agent credential \(from 127\.0\.0\.1\) was refused: the connection from 127\.0\.0\.1 since .* is alive and kept/,
    );
    await first.close();
    await expectNothingWrittenAndOthersServed();
  });

  it("a second connection replaces a first that stopped answering (a half-open socket: 4409)", async () => {
    const { agent: first } = await connectReadyAgent(stack.agentUrl, victim.credential);
    // The first stops reading its socket: it answers no ping, as after a crash the server has not noticed.
    (first.ws as unknown as { _socket: import("node:net").Socket })._socket.pause();
    const { agent: second, welcome } = await connectReadyAgent(stack.agentUrl, victim.credential);
    expect(welcome.payload.hostId).toBe(victim.hostId);
    const { hash } = second.snapshot(buildDgx2Inventory({ hostname: "victim-01" }));
    expect((await second.next("inventory.ack")).payload).toMatchObject({ hash, stored: false });
    expect(await hostOnline(victim.hostId)).toBe(true);
    first.ws.terminate();
    await second.close();
    await expectNothingWrittenAndOthersServed();
  });
});
