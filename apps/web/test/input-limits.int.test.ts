import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, MAX_FRAME_BYTES, MAX_JSON_DEPTH } from "@vfleet/protocol";
import { bearer, enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";
import { connectReadyAgent } from "./test-agent.ts";

/**
 * Limits on every input before parsing: a NUL byte in a path or query is a 400, not a
 * 500; a body above the limit is refused on its Content-Length (413) before it is read, also on
 * unauthenticated routes, and a chunked one is cut off as it streams in; JSON nested past the
 * depth limit is refused before the parser recurses, over REST and over the agent socket, and the
 * control plane keeps serving.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 60_000 });
});
afterAll(async () => {
  await stack?.stop();
});

const DEEP = "[".repeat(1_500_000);

/** One raw HTTP request; `body` is written in 64 KiB chunks until the server answers. Resolves with the status and how much was written. */
function send(
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body: Buffer | null,
): Promise<{ status: number; text: string; written: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, stack.plane.url);
    let written = 0;
    let answered = false;
    const req = request(
      { method, host: url.hostname, port: url.port, path, agent: false, headers: { host: `localhost:${url.port}`, ...headers } },
      (res) => {
        answered = true;
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode!, text, written }));
      },
    );
    req.on("error", (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (body && written < body.length && !answered) {
        const chunk = body.subarray(written, written + 65536);
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("input limits", () => {
  it("a NUL byte in the path or query is a 400 naming it", async () => {
    for (const path of ["/api/v1/hosts/%00", "/api/v1/hosts/abc%00def/jobs", "/api/v1/audit-log?hostId=%00"]) {
      const res = await fetch(`${stack.plane.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error, path).toContain("NUL byte");
    }
  });

  it("a 100 MB body to the unauthenticated enroll route is refused on its Content-Length, unread", async () => {
    const size = 100 * 1024 * 1024;
    const res = await send(
      "POST",
      "/api/v1/enroll",
      { "content-type": "application/json", "content-length": size },
      Buffer.alloc(size, 0x20),
    );
    expect(res.status).toBe(413);
    expect(res.text).toContain(`at most ${MAX_FRAME_BYTES} are accepted`);
    expect(res.written).toBeLessThan(size);
  });

  it("a chunked body past the limit is cut off as it streams in", async () => {
    const body = Buffer.alloc(MAX_FRAME_BYTES + 1024 * 1024, 0x20);
    const res = await send("POST", "/api/v1/enroll", { "content-type": "application/json", "transfer-encoding": "chunked" }, body);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ field: "body", error: `body: must be at most ${MAX_FRAME_BYTES} bytes` });
  });

  it("a 1 GB chunked body to sign-in, without credentials, is cut off at 64 KiB and answered 413", async () => {
    // The same 256 KiB buffer streamed until the server answers: at most a few socket buffers go out.
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const res = await new Promise<{ status: number; text: string; written: number }>((resolve, reject) => {
      const url = new URL(stack.plane.url);
      let written = 0;
      let answered = false;
      const req = request(
        {
          method: "POST",
          host: url.hostname,
          port: url.port,
          path: "/api/auth/sign-in/username",
          agent: false,
          headers: { "content-type": "application/json", "transfer-encoding": "chunked", origin: stack.plane.url },
        },
        (r) => {
          answered = true;
          let text = "";
          r.on("data", (c: Buffer) => (text += c.toString()));
          r.on("end", () => resolve({ status: r.statusCode!, text, written }));
        },
      );
      req.on("error", (err) => (answered ? undefined : reject(err)));
      const pump = () => {
        while (!answered && written < 1024 ** 3) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ field: "body", error: `body: must be at most ${64 * 1024} bytes` });
    expect(res.written).toBeLessThan(64 * 1024 * 1024);
    // The control plane goes on serving.
    expect((await fetch(`${stack.plane.url}/api/v1/hosts`, { headers: bearer(stack.tokens.viewer) })).status).toBe(200);
  });

  it("JSON nested 1.5 million deep: 400 over REST, 4400 over the agent socket; the control plane keeps serving", async () => {
    const rest = await send(
      "POST",
      "/api/v1/enroll",
      { "content-type": "application/json", "content-length": DEEP.length },
      Buffer.from(DEEP),
    );
    expect([rest.status, JSON.parse(rest.text)]).toEqual([
      400,
      { field: "body", error: `body: must not nest deeper than ${MAX_JSON_DEPTH} levels` },
    ]);

    const host = await enrollHost(stack.admin, "deep-01");
    const { agent } = await connectReadyAgent(stack.agentUrl, host.credential, "deep-01");
    agent.sendRaw(DEEP);
    expect(await agent.closed).toEqual({ code: CloseCode.BAD_MESSAGE, reason: `frame nests deeper than ${MAX_JSON_DEPTH} levels` });
    expect((await fetch(`${stack.plane.url}/api/v1/hosts`, { headers: bearer(stack.tokens.viewer) })).status).toBe(200);
  });
});
