import type { Role } from "../auth/roles.ts";

/**
 * Control-plane HTTP calls a script makes to get going (the demo, tests): first-run setup, sign
 * in, create an API token. Plain fetch: importable outside Next.
 */

async function call(url: string, init: RequestInit & { json?: unknown }): Promise<Response> {
  const { json, ...rest } = init;
  return fetch(url, {
    ...rest,
    method: rest.method ?? "POST",
    headers: { "content-type": "application/json", ...rest.headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
}

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status) throw new Error(`${what} failed: HTTP ${res.status} ${await res.text()}`);
}

/** Create the first admin; false when the control plane already has users. */
export async function setupFirstAdmin(baseUrl: string, username: string, password: string): Promise<boolean> {
  const res = await call(`${baseUrl}/api/v1/setup`, { json: { username, password } });
  if (res.status === 409) return false;
  await expectStatus(res, 201, "first-run setup");
  return true;
}

/** Sign in with a user name and password; returns the `Cookie` header value of the new session. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await call(`${baseUrl}/api/auth/sign-in/username`, { json: { username, password }, headers: { origin: baseUrl } });
  await expectStatus(res, 200, `sign-in as ${username}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** `POST /api/v1/tokens` as someone holding `auth` (a Cookie or an Authorization header). */
export async function createApiToken(
  baseUrl: string,
  auth: Record<string, string>,
  body: { name: string; role: Role; ttlSec?: number },
): Promise<string> {
  const res = await call(`${baseUrl}/api/v1/tokens`, { json: body, headers: { origin: baseUrl, ...auth } });
  await expectStatus(res, 201, `creating API token ${body.name}`);
  return ((await res.json()) as { token: string }).token;
}
