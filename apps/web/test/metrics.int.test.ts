import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createControlPlaneMetrics } from "../server/metrics/control-plane-metrics.ts";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";
import { apiClient, previewAndConfirm, waitFor } from "./jobs-helpers.ts";
import { enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";
import { connectReadyAgent } from "./test-agent.ts";

/**
 * GET /metrics in Prometheus' text format, read by a Prometheus text-format parser, while a real
 * agent connection stores a snapshot and answers a job.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

type Scrape = { families: Map<string, ReturnType<typeof parsePrometheusTextFormat>[number]>; text: string };

async function scrape(): Promise<Scrape> {
  const res = await fetch(`${stack.plane.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  // The parser throws on any line that is not valid text format.
  return { families: new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f])), text };
}
const value = (m: Scrape, name: string, labels: Record<string, string> = {}) =>
  Number(m.families.get(name)?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value ?? 0);
/**
 * Observations in a histogram's series with these labels. The parser merges a labelled
 * histogram's series into one (its flattenMetrics keeps only `le`), so the family's type comes
 * from the parser and the per-series `_count` from its own line.
 */
const count = (m: Scrape, name: string, labels: Record<string, string> = {}) => {
  expect(m.families.get(name)?.type, name).toBe("HISTOGRAM");
  return m.text
    .split("\n")
    .filter((l) => l.startsWith(`${name}_count`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
};

describe("/metrics", () => {
  it("counts agents, snapshots and their store time, jobs and dispatch-to-result time, HTTP latency by route", async () => {
    const before = await scrape();
    expect(value(before, "vfleet_agents_connected")).toBe(0);
    expect(value(before, "vfleet_snapshots_received_total")).toBe(0);

    const host = await enrollHost(stack.admin, "metrics-01", "metrics-01");
    const { agent } = await connectReadyAgent(stack.agentUrl, host.credential, "metrics-01");
    const inv = buildDgx2Inventory({ hostname: "metrics-01" });
    agent.snapshot(inv);
    await agent.next("inventory.ack");
    agent.snapshot(inv); // unchanged: received, not stored
    await agent.next("inventory.ack");

    const afterSnapshots = await scrape();
    expect(value(afterSnapshots, "vfleet_agents_connected")).toBe(1);
    expect(value(afterSnapshots, "vfleet_snapshots_received_total")).toBe(2);
    expect(value(afterSnapshots, "vfleet_snapshots_stored_total")).toBe(1);
    expect(count(afterSnapshots, "vfleet_snapshot_store_seconds", { stored: "true" })).toBe(1);
    expect(count(afterSnapshots, "vfleet_snapshot_store_seconds", { stored: "false" })).toBe(1);

    const pf = inv.devices.find((d) => d.sriov)!.address;
    const api = apiClient(stack.plane.url, stack.tokens.operator);
    const res = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId: host.hostId,
      job: { kind: "vf.set-count", params: { pf, count: 16 } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const dispatch = await agent.next("job.dispatch");
    agent.send("job.result", {
      jobId: dispatch.payload.jobId,
      attempt: 1,
      result: { status: "succeeded", changed: false, steps: [], error: null, observed: { numVfs: 16 } },
    });
    await waitFor("the job to succeed", async () =>
      (await api.get(`/api/v1/jobs/${res.body.job.id}`)).body.job?.state === "succeeded" ? true : undefined,
    );

    const after = await scrape();
    expect(value(after, "vfleet_jobs_finished_total", { kind: "vf.set-count", status: "succeeded" })).toBe(1);
    expect(count(after, "vfleet_job_dispatch_to_result_seconds", { kind: "vf.set-count" })).toBe(1);
    expect(value(after, "vfleet_jobs", { kind: "vf.set-count", state: "succeeded" })).toBe(1);
    expect(count(after, "vfleet_http_request_duration_seconds", { method: "POST", route: "/api/v1/jobs", status: "201" })).toBe(1);
    expect(count(after, "vfleet_http_request_duration_seconds", { method: "GET", route: "/api/v1/jobs/[jobId]" })).toBeGreaterThan(0);
    expect(after.families.get("vfleet_plan_duration_seconds")?.type).toBe("HISTOGRAM");
    await agent.close();
  });

  it("does not grow a series per path a stranger asks for", async () => {
    const series = (m: Awaited<ReturnType<typeof scrape>>) =>
      m.text.split("\n").filter((l) => l.startsWith("vfleet_http_request_duration_seconds_count")).length;
    const before = series(await scrape());
    for (let i = 0; i < 200; i++) await (await fetch(`${stack.plane.url}/no-such-page-${i}`, { redirect: "manual" })).arrayBuffer();
    for (let i = 0; i < 20; i++) await (await fetch(`${stack.plane.url}/api/v1/hosts/no-such-${i}`)).arrayBuffer();
    const after = await scrape();
    // 200 unknown paths are one `unmatched` series (per status); 20 host ids are the one host route.
    expect(series(after) - before).toBeLessThanOrEqual(2);
    expect(count(after, "vfleet_http_request_duration_seconds", { route: "unmatched" })).toBeGreaterThanOrEqual(200);
  });
});

describe("/metrics with VFLEET_METRICS_TOKEN", () => {
  it("answers 401 without the bearer token and the exposition with it", async () => {
    const metrics = createControlPlaneMetrics(stack.db, { token: "s3cret-token" });
    const server = createServer((req, res) => metrics.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: "Bearer s3cret-token" } });
      expect(ok.status).toBe(200);
      expect(parsePrometheusTextFormat(await ok.text()).map((f) => f.name)).toContain("vfleet_agents_connected");
    } finally {
      server.close();
    }
  });
});
