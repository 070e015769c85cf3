import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../lib/client/bootstrap-admin.ts";
import { bearer, createUser, startTestStack, TEST_PASSWORD, type TestStack } from "./start-test-stack.ts";

/**
 * The live event stream (`/api/v1/events`, SSE) lives as long as the identity that opened it: a
 * revoked or expired API token or session ends it, and reconnecting gets the 401 any request
 * would. A stream whose identity stays alive keeps delivering events.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await createUser(stack.admin, "erin", "viewer");
});
afterAll(async () => {
  await stack?.stop();
});

type Stream = { text: () => string; ended: Promise<void>; close: () => void };

async function openStream(headers: Record<string, string>): Promise<Stream> {
  const abort = new AbortController();
  const res = await fetch(`${stack.plane.url}/api/v1/events`, { headers, signal: abort.signal });
  expect(res.status).toBe(200);
  let text = "";
  const reader = res.body!.getReader();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  })();
  return { text: () => text, ended, close: () => abort.abort() };
}

/** Whether the stream ended within `ms` (a generous bound: the recheck runs every second). */
const endsWithin = (stream: Stream, ms: number) =>
  Promise.race([stream.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

/** The answer to a reconnect; a stream (200) is aborted at once, since it would never end. */
const statusOf = async (headers: Record<string, string>) => {
  const abort = new AbortController();
  const res = await fetch(`${stack.plane.url}/api/v1/events`, { headers, signal: abort.signal });
  if (res.status === 200) abort.abort();
  else await res.text();
  return res.status;
};

async function newToken(name: string): Promise<{ id: string; token: string }> {
  const res = await fetch(`${stack.plane.url}/api/v1/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(stack.tokens.admin) },
    body: JSON.stringify({ name, role: "viewer" }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; apiToken: { id: string } };
  return { id: body.apiToken.id, token: body.token };
}

describe("the event stream follows its identity", () => {
  it("an API token revoked while its stream is open: the stream ends, and reconnecting is a 401; a live one keeps streaming", async () => {
    const doomed = await newToken("sse-revoked");
    const kept = await newToken("sse-kept");
    const [a, b] = [await openStream(bearer(doomed.token)), await openStream(bearer(kept.token))];
    const revoke = await fetch(`${stack.plane.url}/api/v1/tokens/${doomed.id}`, { method: "DELETE", headers: bearer(stack.tokens.admin) });
    expect(revoke.status).toBe(200);
    expect(await endsWithin(a, 15_000)).toBe(true);
    expect(await statusOf(bearer(doomed.token))).toBe(401);
    // The other stream outlived several rechecks and still carries events.
    stack.plane.events.emit({ type: "host-online", hostId: "h-after-revoke" });
    await expect.poll(() => b.text(), { timeout: 10_000 }).toContain("h-after-revoke");
    expect(await endsWithin(b, 100)).toBe(false);
    b.close();
  });

  it("an API token that expires while its stream is open", async () => {
    const t = await newToken("sse-expiring");
    const stream = await openStream(bearer(t.token));
    await stack.db.apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await endsWithin(stream, 15_000)).toBe(true);
    expect(await statusOf(bearer(t.token))).toBe(401);
  });

  it("a session an admin revokes (signed out everywhere) while its stream is open", async () => {
    const cookie = await signIn(stack.plane.url, "erin", TEST_PASSWORD);
    const stream = await openStream({ cookie });
    const erin = await stack.db.user.findUniqueOrThrow({ where: { username: "erin" } });
    const res = await fetch(`${stack.plane.url}/api/v1/users/${erin.id}/sessions`, {
      method: "DELETE",
      headers: bearer(stack.tokens.admin),
    });
    expect(res.status).toBe(200);
    expect(await endsWithin(stream, 15_000)).toBe(true);
    expect(await statusOf({ cookie })).toBe(401);
  });

  it("a session that expires while its stream is open", async () => {
    const cookie = await signIn(stack.plane.url, "erin", TEST_PASSWORD);
    const stream = await openStream({ cookie });
    await expect.poll(() => stream.text()).toContain("connected");
    await stack.db.session.updateMany({ where: { user: { username: "erin" } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await endsWithin(stream, 15_000)).toBe(true);
    expect(await statusOf({ cookie })).toBe(401);
  });
});
