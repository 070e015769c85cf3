import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setControlPlaneContext, type ControlPlaneContext } from "../control-plane-context.ts";
import { IDENTITY_HEADER } from "./identity.ts";
import { sealIdentity } from "./identity-seal.ts";
import { withAccess } from "./with-access.ts";

/**
 * A handler refuses on its own, whatever reached it: these requests skip the custom server's
 * access layer entirely, as a request would through a hole in it.
 */
const key = randomBytes(32);
const operator = { kind: "user", id: "u1", name: "olga", role: "operator" } as const;
const handler = withAccess("operator", async (_request: Request) => Response.json({ ran: true }));
const call = (headers: Record<string, string> = {}) => handler(new Request("http://localhost/api/v1/jobs", { headers }));

beforeEach(() => setControlPlaneContext({ identityKey: key } as ControlPlaneContext));
afterEach(() => setControlPlaneContext(undefined));

describe("withAccess", () => {
  it("refuses a request that carries no identity (401) and runs nothing", async () => {
    expect((await call()).status).toBe(401);
  });

  it("refuses an identity header a client wrote itself, or one sealed with another process's key", async () => {
    expect((await call({ [IDENTITY_HEADER]: JSON.stringify({ ...operator, role: "admin" }) })).status).toBe(401);
    expect((await call({ [IDENTITY_HEADER]: sealIdentity(operator, randomBytes(32)) })).status).toBe(401);
    const sealed = sealIdentity(operator, key);
    const tampered = Buffer.from(JSON.stringify({ ...operator, role: "admin" })).toString("base64url") + sealed.slice(sealed.indexOf("."));
    expect((await call({ [IDENTITY_HEADER]: tampered })).status).toBe(401);
  });

  it("answers 403 to too small a role and runs the handler for enough of one", async () => {
    expect((await call({ [IDENTITY_HEADER]: sealIdentity({ ...operator, role: "viewer" }, key) })).status).toBe(403);
    const ok = await call({ [IDENTITY_HEADER]: sealIdentity(operator, key) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ran: true });
    expect((await call({ [IDENTITY_HEADER]: sealIdentity({ ...operator, role: "admin" }, key) })).status).toBe(200);
  });
});
