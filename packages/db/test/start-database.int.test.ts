import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "../src/find-free-port.ts";
import { startDatabase } from "../src/start-database.ts";
import { query } from "./pg-server.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("startDatabase", () => {
  it("initialises a data dir once and keeps its data across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vfleet-start-"));
    dirs.push(dir);
    const first = await startDatabase({ dataDir: join(dir, "pg") });
    expect(first.embedded).toBe(true);
    expect(first.url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/vfleet$/);
    try {
      await query(first.url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    } finally {
      await first.stop();
    }

    const port = await findFreePort();
    const second = await startDatabase({ dataDir: join(dir, "pg"), port });
    try {
      expect(second.url).toContain(`:${port}/vfleet`);
      expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("uses an external databaseUrl as is, starting nothing", async () => {
    const external = await startDatabase({ databaseUrl: "postgresql://u:p@db.example:5432/fleet" });
    expect(external).toMatchObject({ url: "postgresql://u:p@db.example:5432/fleet", embedded: false });
    await external.stop();
  });

  it("rejects a bad port naming the limit", async () => {
    await expect(startDatabase({ port: 70000, dataDir: "/nonexistent" })).rejects.toThrow("port must be an integer 1-65535, got 70000");
  });
});
