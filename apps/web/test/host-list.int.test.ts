import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, startTestStack, type TestStack } from "./start-test-stack.ts";

/** The fleet list for fleets of thousands: paged, searched and sorted by the database, totals summed there. */
let stack: TestStack;
const get = async (path: string) => {
  const res = await fetch(`${stack.plane.url}${path}`, { headers: bearer(stack.tokens.viewer) });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  stack = await startTestStack();
  await stack.db.host.createMany({
    data: Array.from({ length: 130 }, (_, i) => ({
      name: `rack${Math.floor(i / 10)}-hv${i % 10}`,
      hostname: `hv${i}.lab`,
      online: i % 13 !== 0,
      capacity: {
        possible: 16,
        created: 8,
        bound: i % 9,
        assigned: 2,
        free: 6,
        ready: 1,
        needsBind: 5,
        devices: 2,
        devicesReady: 2,
        devicesNeedsBind: 0,
        devicesAssigned: 0,
      },
    })),
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe("GET /api/v1/hosts", () => {
  it("pages with a total, and a script can walk every page", async () => {
    const first = await get("/api/v1/hosts?limit=50");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 130, limit: 50, offset: 0 });
    expect(first.body.hosts).toHaveLength(50);
    const names = new Set<string>();
    for (let offset = 0; offset < first.body.total; offset += 50) {
      for (const h of (await get(`/api/v1/hosts?limit=50&offset=${offset}`)).body.hosts) names.add(h.name);
    }
    expect(names.size).toBe(130);
  });

  it("searches and sorts", async () => {
    const rack3 = await get("/api/v1/hosts?q=RACK3-&sort=bound&dir=desc");
    expect(rack3.body.total).toBe(10);
    const bound = rack3.body.hosts.map((h: { capacity: { bound: number } }) => h.capacity.bound);
    expect(bound).toEqual([...bound].sort((a: number, b: number) => b - a));
  });

  it("answers a bad parameter with 400 naming it and the limit", async () => {
    expect((await get("/api/v1/hosts?limit=5000")).body).toEqual({ error: "limit: must be at most 1000", field: "limit" });
    expect((await get("/api/v1/hosts?sort=cpu")).body.field).toBe("sort");
    expect((await get("/api/v1/hosts?offset=-1")).status).toBe(400);
    expect((await get("/api/v1/hosts?page=2")).body).toMatchObject({ field: "page" });
  });
});

describe("the fleet page", () => {
  it("shows 50 hosts a page, finds hosts by name, and counts only online hosts in the totals", async () => {
    // React separates text fragments with <!-- --> in server HTML; read the text as a user would.
    const html = async (path: string) =>
      (await (await fetch(`${stack.plane.url}${path}`, { headers: bearer(stack.tokens.viewer) })).text()).replaceAll("<!-- -->", "");
    const rows = (page: string) => (page.match(/data-testid="host-row-/g) ?? []).length;
    const first = await html("/");
    expect(rows(first)).toBe(50);
    expect(first).toContain('data-testid="host-pager"');
    expect(rows(await html("/?page=3"))).toBe(30);
    const found = await html("/?q=rack12");
    expect(rows(found)).toBe(10);
    // 130 hosts, 10 of them offline (every 13th): totals hold the 120 online ones, the rest apart.
    expect(first).toMatch(/data-testid="hosts-online">120</);
    expect(first).toMatch(/data-testid="total-created"[\s\S]*?>960</);
    expect(first).toMatch(/data-testid="total-ready"[\s\S]*?>120</);
    expect(first).toMatch(/Not counted above: 10 offline hosts with 80 VFs \(10 ready, 50 needs bind\) and 20 passthrough devices/);
  });
});
