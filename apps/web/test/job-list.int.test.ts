import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobs } from "@vfleet/db";
import { bearer, startTestStack, type TestStack } from "./start-test-stack.ts";

/** The fleet jobs page: host names (not ids), filters, paging, and a plan's jobs grouped under its progress. */
let stack: TestStack;
const text = async (path: string) =>
  (await (await fetch(`${stack.plane.url}${path}`, { headers: bearer(stack.tokens.viewer) })).text()).replaceAll("<!-- -->", "");
const rows = (html: string) => (html.match(/data-testid="job-row"/g) ?? []).length;
const count = (pf: string, n: number, ref = "a") => ({
  ref,
  job: { kind: "vf.set-count" as const, params: { pf, count: n } },
  summary: `set ${pf} to ${n} VFs`,
  dependsOn: [],
  resourceKeys: [`dev:${pf}:${ref}`],
  before: null,
});

beforeAll(async () => {
  stack = await startTestStack();
  const [a, b] = await Promise.all(
    ["alpha-hv", "beta-hv"].map((name) => stack.db.host.create({ data: { name, hostname: `${name}.lab` } })),
  );
  for (let i = 0; i < 60; i++) {
    const out = await createJobs(stack.db, {
      hostId: (i % 2 ? a : b)!.id,
      createdBy: i % 3 ? "alice" : "bob",
      jobs: [count(`0000:0${i % 10}:00.0`, i % 8, `j${i}`)],
    });
    expect(out.ok).toBe(true);
  }
  const plan = await createJobs(stack.db, {
    hostId: a!.id,
    createdBy: "carol",
    plan: { title: "three steps" },
    jobs: [count("0000:86:00.0", 4, "p1"), count("0000:86:00.1", 4, "p2"), count("0000:86:00.2", 4, "p3")],
  });
  expect(plan.ok).toBe(true);
});
afterAll(async () => {
  await stack?.stop();
});

describe("the fleet jobs page", () => {
  it("names hosts, pages 50 at a time, and groups a plan's jobs under its progress", async () => {
    const first = await text("/jobs");
    expect(first).toContain("Jobs (63)");
    expect(rows(first)).toBe(50);
    expect(first).toMatch(/data-testid="job-host"[^>]*>alpha-hv</);
    expect(first).toContain('data-testid="plan-group"');
    expect(first).toMatch(/Plan: three steps[\s\S]*?0 of 3 succeeded/);
    expect(rows(await text("/jobs?page=2"))).toBe(13);
  });

  it("filters by host, state and who queued, in the database", async () => {
    expect(rows(await text("/jobs?host=ALPHA"))).toBe(33);
    expect(rows(await text("/jobs?by=bob"))).toBe(20);
    expect(rows(await text("/jobs?by=bob&host=beta"))).toBe(10);
    expect(rows(await text("/jobs?state=succeeded"))).toBe(0);
    expect(rows(await text("/jobs?since=1h&state=queued"))).toBe(50);
  });

  it("says which filter is wrong and shows everything instead of failing", async () => {
    const page = await text("/jobs?state=done");
    expect(page).toMatch(/data-testid="filter-problem"[^>]*>state: /);
    expect(rows(page)).toBe(50);
  });
});
