import type { Db } from "../create-db.ts";
import { toPoolView, type PoolView } from "./save-pool.ts";

export async function listPools(db: Db): Promise<PoolView[]> {
  return (await db.pool.findMany({ orderBy: { name: "asc" } })).map(toPoolView);
}

export async function getPool(db: Db, name: string): Promise<PoolView | null> {
  const row = await db.pool.findUnique({ where: { name } });
  return row ? toPoolView(row) : null;
}
