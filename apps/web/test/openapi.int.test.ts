import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_OPERATIONS } from "../lib/openapi/api-operations.ts";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";
import { findAppRoutes } from "./find-app-routes.ts";
import { bearer, startTestStack, TEST_PASSWORD, type TestStack } from "./start-test-stack.ts";
import { connectReadyAgent, type TestAgent } from "./test-agent.ts";

/**
 * The OpenAPI document against reality: every /api/v1 route file is documented, and real
 * answers of every operation (successes and refusals) validate against the document's schema
 * for their status, with a JSON Schema 2020-12 validator (OpenAPI 3.1's dialect).
 */

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
};

let stack: TestStack;
let doc: Doc;
let agent: TestAgent;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
const seen = new Set<string>();
const problems: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  const res = await fetch(`${stack.plane.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(async () => {
  await agent?.close();
  await stack?.stop();
});

/** Call the API and check the answer against the document's schema for its path, method and status. */
async function call(
  method: "get" | "post" | "put" | "patch" | "delete",
  path: string,
  template: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.plane.url}${path}`, {
    method: method.toUpperCase(),
    headers: { ...(token ? bearer(token) : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json().catch(() => undefined);
  seen.add(`${method} ${template}`);
  const response = doc.paths[template]?.[method]?.responses[String(res.status)];
  if (!response) problems.push(`${method.toUpperCase()} ${path}: status ${res.status} is not documented`);
  else {
    const schema = response.content?.["application/json"]?.schema;
    if (schema && !ajv.validate(schema, json))
      problems.push(`${method.toUpperCase()} ${path} ${res.status}: ${ajv.errorsText()} in ${JSON.stringify(json).slice(0, 300)}`);
  }
  return { status: res.status, body: json };
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and documents every /api/v1 route method under app/", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const routes = (await findAppRoutes()).filter((r) => r.route.startsWith("/api/v1/"));
    const documented = new Set(API_OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.route}`));
    const missing = routes.flatMap((r) => r.methods.map((m) => `${m} ${r.route}`)).filter((k) => !documented.has(k));
    expect(missing, "add these to lib/openapi/api-operations.ts").toEqual([]);
  });

  it("describes the real answers of every operation", { timeout: 180_000 }, async () => {
    const { admin, operator, viewer } = stack.tokens;
    const T = (p: string) => p; // templates read as the document's paths
    // identity
    await call("post", "/api/v1/setup", T("/api/v1/setup"), null, { username: "x", password: "short" });
    await call("post", "/api/v1/setup", T("/api/v1/setup"), null, { username: "first", password: TEST_PASSWORD });
    await call("post", "/api/v1/setup", T("/api/v1/setup"), null, { username: "second", password: TEST_PASSWORD });
    await call("get", "/api/v1/me", T("/api/v1/me"), viewer);
    await call("post", "/api/v1/users", T("/api/v1/users"), admin, { username: "uma", password: TEST_PASSWORD, role: "viewer" });
    await call("post", "/api/v1/users", T("/api/v1/users"), admin, { username: "uma", password: TEST_PASSWORD, role: "viewer" });
    await call("post", "/api/v1/users", T("/api/v1/users"), admin, { username: "uma", password: TEST_PASSWORD, role: "root" });
    const users = await call("get", "/api/v1/users", T("/api/v1/users"), admin);
    await call("delete", `/api/v1/users/${users.body.users[0].id}/sessions`, T("/api/v1/users/{userId}/sessions"), admin);
    await call("delete", "/api/v1/users/nope/sessions", T("/api/v1/users/{userId}/sessions"), admin);
    const [setupAdmin, uma] = users.body.users as { id: string }[];
    await call("patch", `/api/v1/users/${uma!.id}`, T("/api/v1/users/{userId}"), admin, { role: "operator", password: TEST_PASSWORD });
    await call("patch", `/api/v1/users/${uma!.id}`, T("/api/v1/users/{userId}"), admin, {});
    await call("patch", `/api/v1/users/${setupAdmin!.id}`, T("/api/v1/users/{userId}"), admin, { role: "viewer" });
    await call("patch", "/api/v1/users/nope", T("/api/v1/users/{userId}"), admin, { role: "viewer" });
    await call("delete", `/api/v1/users/${setupAdmin!.id}`, T("/api/v1/users/{userId}"), admin);
    await call("delete", `/api/v1/users/${uma!.id}`, T("/api/v1/users/{userId}"), admin);
    await call("delete", "/api/v1/users/nope", T("/api/v1/users/{userId}"), admin);
    const token = await call("post", "/api/v1/tokens", T("/api/v1/tokens"), admin, { name: "doc", role: "viewer", ttlSec: 600 });
    await call("post", "/api/v1/tokens", T("/api/v1/tokens"), admin, { name: "doc", role: "viewer" });
    await call("post", "/api/v1/tokens", T("/api/v1/tokens"), admin, { name: "", role: "viewer" });
    await call("post", "/api/v1/tokens", T("/api/v1/tokens"), viewer, { name: "mine", role: "admin" });
    await call("get", "/api/v1/tokens", T("/api/v1/tokens"), admin);
    await call("delete", `/api/v1/tokens/${token.body.apiToken.id}`, T("/api/v1/tokens/{tokenId}"), admin);
    await call("delete", "/api/v1/tokens/nope", T("/api/v1/tokens/{tokenId}"), admin);
    // agents
    await call("post", "/api/v1/enrollment-tokens", T("/api/v1/enrollment-tokens"), admin, { hostName: "has space" });
    const enrollment = await call("post", "/api/v1/enrollment-tokens", T("/api/v1/enrollment-tokens"), admin, { hostName: "doc-01" });
    await call("post", "/api/v1/enroll", T("/api/v1/enroll"), null, { token: "vfe_nope", hostname: "doc-01" });
    await call("post", "/api/v1/enroll", T("/api/v1/enroll"), null, { token: "", hostname: "doc-01" });
    const enrolled = await call("post", "/api/v1/enroll", T("/api/v1/enroll"), null, { token: enrollment.body.token, hostname: "doc-01" });
    agent = (await connectReadyAgent(stack.agentUrl, enrolled.body.credential, "doc-01")).agent;
    agent.snapshot(buildDgx2Inventory({ hostname: "doc-01" }));
    await agent.next("inventory.ack");
    const hostId = enrolled.body.hostId as string;
    const pfs = buildDgx2Inventory()
      .devices.filter((d) => d.sriov)
      .map((d) => d.address);
    // reads
    await call("get", "/api/v1/hosts", T("/api/v1/hosts"), viewer);
    await call("get", "/api/v1/hosts", T("/api/v1/hosts"), null);
    await call("get", `/api/v1/hosts/${hostId}`, T("/api/v1/hosts/{hostId}"), viewer);
    await call("get", "/api/v1/hosts/nope", T("/api/v1/hosts/{hostId}"), viewer);
    // jobs and plans
    const setCount = (pf: string, count: number) => ({ kind: "vf.set-count", params: { pf, count } });
    await call("post", "/api/v1/jobs", T("/api/v1/jobs"), operator, { hostId, job: setCount(pfs[0]!, 4), dryRun: true });
    await call("post", "/api/v1/jobs", T("/api/v1/jobs"), operator, { hostId, job: setCount(pfs[0]!, 99) });
    await call("post", "/api/v1/jobs", T("/api/v1/jobs"), operator, { hostId: "nope", job: setCount(pfs[0]!, 4) });
    await call("post", "/api/v1/jobs", T("/api/v1/jobs"), viewer, { hostId, job: setCount(pfs[0]!, 4) });
    await call("post", "/api/v1/jobs", T("/api/v1/jobs"), operator, { hostId, job: setCount(pfs[0]!, 4) });
    /** A confirm with the basis of its dry run, as the change form sends it. */
    const confirm = async (path: string, body: Record<string, unknown>) =>
      call("post", path, T(path), operator, {
        ...body,
        basis: (await call("post", path, T(path), operator, { ...body, dryRun: true })).body.basis,
      });
    const first = await confirm("/api/v1/jobs", { hostId, job: setCount(pfs[0]!, 4) });
    await agent.next("job.dispatch"); // held by the agent, never answered
    await confirm("/api/v1/jobs", { hostId, job: setCount(pfs[0]!, 2) });
    const second = await confirm("/api/v1/jobs", { hostId, job: setCount(pfs[1]!, 2) });
    await call("get", `/api/v1/jobs/${first.body.job.id}`, T("/api/v1/jobs/{jobId}"), viewer);
    await call("get", "/api/v1/jobs/nope", T("/api/v1/jobs/{jobId}"), viewer);
    await call("post", `/api/v1/jobs/${first.body.job.id}/cancel`, T("/api/v1/jobs/{jobId}/cancel"), operator, {});
    await call("post", `/api/v1/jobs/${second.body.job.id}/cancel`, T("/api/v1/jobs/{jobId}/cancel"), operator, {});
    await call("post", "/api/v1/jobs/nope/cancel", T("/api/v1/jobs/{jobId}/cancel"), operator, {});
    await call("post", `/api/v1/jobs/${first.body.job.id}/abandon`, T("/api/v1/jobs/{jobId}/abandon"), operator, {});
    await call("post", "/api/v1/jobs/nope/abandon", T("/api/v1/jobs/{jobId}/abandon"), operator, {});
    await call("get", `/api/v1/hosts/${hostId}/jobs?limit=5`, T("/api/v1/hosts/{hostId}/jobs"), viewer);
    await call("get", "/api/v1/hosts/nope/jobs", T("/api/v1/hosts/{hostId}/jobs"), viewer);
    const plan = {
      hostId,
      jobs: [
        { ref: "a", job: setCount(pfs[2]!, 2) },
        { ref: "b", job: setCount(pfs[3]!, 2), dependsOn: ["a"] },
      ],
    };
    await call("post", "/api/v1/plans", T("/api/v1/plans"), operator, { ...plan, dryRun: true });
    await call("post", "/api/v1/plans", T("/api/v1/plans"), operator, plan);
    const queued = await confirm("/api/v1/plans", plan);
    await confirm("/api/v1/plans", plan);
    await call("post", "/api/v1/plans", T("/api/v1/plans"), operator, { hostId });
    await call("post", "/api/v1/plans", T("/api/v1/plans"), operator, { ...plan, hostId: "nope" });
    await call("get", `/api/v1/plans/${queued.body.plan.id}`, T("/api/v1/plans/{planId}"), viewer);
    await call("get", "/api/v1/plans/nope", T("/api/v1/plans/{planId}"), viewer);
    // audits
    await call("get", "/api/v1/audit-log", T("/api/v1/audit-log"), viewer);
    await call("get", "/api/v1/audit-log?limit=0", T("/api/v1/audit-log"), viewer);
    await call("get", "/api/v1/audit/fleet", T("/api/v1/audit/fleet"), viewer);
    await call("get", `/api/v1/capacity-history?hostId=${hostId}&hours=1&points=4`, T("/api/v1/capacity-history"), viewer);
    await call("get", "/api/v1/capacity-history?points=1", T("/api/v1/capacity-history"), viewer);
    await call("get", "/api/v1/capacity-history?hostId=nope", T("/api/v1/capacity-history"), viewer);
    await call("get", `/api/v1/audit/hosts/${hostId}?guest=dgx-guest`, T("/api/v1/audit/hosts/{hostId}"), viewer);
    await call("get", `/api/v1/audit/hosts/${hostId}?format=pdf`, T("/api/v1/audit/hosts/{hostId}"), viewer);
    await call("get", "/api/v1/audit/hosts/nope", T("/api/v1/audit/hosts/{hostId}"), viewer);
    await call("post", `/api/v1/audit/hosts/${hostId}`, T("/api/v1/audit/hosts/{hostId}"), viewer, { domainXml: "<network/>" });
    await call("post", "/api/v1/audit/hosts/nope", T("/api/v1/audit/hosts/{hostId}"), viewer, { domainXml: "<domain/>" });
    await call("get", "/api/v1/openapi.json", T("/api/v1/openapi.json"), null);
    await call("get", "/api/v1/hosts?limit=5000", T("/api/v1/hosts"), viewer);
    // scheduling
    const cx5 = { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } };
    await call("post", "/api/v1/pools", T("/api/v1/pools"), operator, cx5);
    await call("post", "/api/v1/pools", T("/api/v1/pools"), operator, cx5);
    await call("post", "/api/v1/pools", T("/api/v1/pools"), operator, { name: "", selector: {} });
    await call("get", "/api/v1/pools", T("/api/v1/pools"), viewer);
    await call("post", "/api/v1/pools/preview", T("/api/v1/pools/preview"), viewer, { selector: cx5.selector });
    await call("post", "/api/v1/pools/preview", T("/api/v1/pools/preview"), viewer, { selector: { vendorId: "xyz" } });
    await call("get", "/api/v1/pools/cx5", T("/api/v1/pools/{name}"), viewer);
    await call("get", "/api/v1/pools/nope", T("/api/v1/pools/{name}"), viewer);
    await call("put", "/api/v1/pools/cx5", T("/api/v1/pools/{name}"), operator, cx5);
    await call("put", "/api/v1/pools/cx5", T("/api/v1/pools/{name}"), operator, { ...cx5, name: "other" });
    await call("put", "/api/v1/pools/nope", T("/api/v1/pools/{name}"), operator, { ...cx5, name: "nope" });
    await call("get", "/api/v1/pools/cx5/capacity", T("/api/v1/pools/{name}/capacity"), viewer);
    await call("get", "/api/v1/pools/nope/capacity", T("/api/v1/pools/{name}/capacity"), viewer);
    await call("post", "/api/v1/pools", T("/api/v1/pools"), operator, { ...cx5, name: "spare" });
    await call("delete", "/api/v1/pools/spare", T("/api/v1/pools/{name}"), operator);
    await call("delete", "/api/v1/pools/spare", T("/api/v1/pools/{name}"), operator);
    await call("post", "/api/v1/placements/what-if", T("/api/v1/placements/what-if"), viewer, { pool: "cx5", count: 16 });
    await call("post", "/api/v1/placements/what-if", T("/api/v1/placements/what-if"), viewer, { pool: "cx5", count: -1 });
    await call("post", "/api/v1/placements", T("/api/v1/placements"), operator, {
      pool: "cx5",
      count: 2,
      guest: { name: "doc-guest", vcpus: 4, memoryMiB: 4096 },
      dryRun: true,
    });
    await call("post", "/api/v1/placements", T("/api/v1/placements"), operator, {
      pool: "cx5",
      count: 1000,
      guest: { name: "doc-guest" },
      dryRun: true,
    });
    await call("post", "/api/v1/placements", T("/api/v1/placements"), operator, { pool: "nope", count: 2, guest: { name: "doc-guest" } });
    await call("get", `/api/v1/assignments?hostId=${hostId}`, T("/api/v1/assignments"), viewer);
    await call("get", "/api/v1/assignments/history", T("/api/v1/assignments/history"), viewer);
    await call("get", "/api/v1/assignments/history?limit=0", T("/api/v1/assignments/history"), viewer);
    await call("post", "/api/v1/assignments/release", T("/api/v1/assignments/release"), operator, {
      hostId: "nope",
      guest: "dgx-guest",
      dryRun: true,
    });
    await call("post", "/api/v1/assignments/release", T("/api/v1/assignments/release"), operator, { hostId, guest: "bad guest!" });
    await call("post", "/api/v1/assignments/adopt", T("/api/v1/assignments/adopt"), operator, { hostId, guest: "dgx-guest" });
    await call("post", "/api/v1/assignments/adopt", T("/api/v1/assignments/adopt"), operator, {
      hostId: "nope",
      guest: "dgx-guest",
      force: true,
    });
    await call("post", "/api/v1/assignments/adopt", T("/api/v1/assignments/adopt"), operator, { hostId, guest: "dgx-guest", basis: "x.y" });
    await call("get", `/api/v1/hosts/${hostId}/labels`, T("/api/v1/hosts/{hostId}/labels"), viewer);
    await call("get", "/api/v1/hosts/nope/labels", T("/api/v1/hosts/{hostId}/labels"), viewer);
    await call("put", `/api/v1/hosts/${hostId}/labels`, T("/api/v1/hosts/{hostId}/labels"), operator, { labels: { rack: "r12" } });
    await call("put", `/api/v1/hosts/${hostId}/labels`, T("/api/v1/hosts/{hostId}/labels"), operator, { labels: { "bad key!": "x" } });
    await call("put", "/api/v1/hosts/nope/labels", T("/api/v1/hosts/{hostId}/labels"), operator, { labels: {} });
    const Q = T("/api/v1/hosts/{hostId}/devices/{address}/quarantine");
    await call("put", `/api/v1/hosts/${hostId}/devices/0000:99:00.0/quarantine`, Q, operator, { quarantined: false });
    await call("put", `/api/v1/hosts/${hostId}/devices/0000:99:00.0/quarantine`, Q, operator, { quarantined: true });
    await call("put", `/api/v1/hosts/${hostId}/devices/nope/quarantine`, Q, operator, { quarantined: true });
    const M = T("/api/v1/hosts/{hostId}/maintenance");
    await call("get", `/api/v1/hosts/${hostId}/maintenance`, M, viewer);
    await call("get", "/api/v1/hosts/nope/maintenance", M, viewer);
    await call("put", `/api/v1/hosts/${hostId}/maintenance`, M, operator, { enabled: true, drain: true, dryRun: true });
    await call("put", `/api/v1/hosts/${hostId}/maintenance`, M, operator, { enabled: true, reason: "firmware" });
    await call("put", `/api/v1/hosts/${hostId}/maintenance`, M, operator, { enabled: false, drain: true });
    await call("put", "/api/v1/hosts/nope/maintenance", M, operator, { enabled: true });
    await call("put", "/api/v1/maintenance", T("/api/v1/maintenance"), operator, { hostLabels: { rack: "r12" }, enabled: false });
    await call("put", "/api/v1/maintenance", T("/api/v1/maintenance"), operator, { hostLabels: {}, enabled: true });
    // last: the host's credential
    await call("post", "/api/v1/hosts/nope/revoke", T("/api/v1/hosts/{hostId}/revoke"), admin, {});
    await call("post", `/api/v1/hosts/${hostId}/revoke`, T("/api/v1/hosts/{hostId}/revoke"), admin, {});
    // ... and the host itself
    await call("delete", "/api/v1/hosts/nope", T("/api/v1/hosts/{hostId}"), admin);
    await call("delete", `/api/v1/hosts/${hostId}`, T("/api/v1/hosts/{hostId}"), admin);

    expect(problems).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    expect(
      documented.filter((k) => !seen.has(k)),
      "operations this test never called",
    ).toEqual([]);
  });
});
