import type { Db } from "./create-db.ts";

export type InventoryTable = "IommuGroup" | "PciDevice" | "PhysicalFunction" | "VirtualFunction" | "NetInterface" | "Guest" | "GuestHostdev";

/**
 * Bulk INSERT of one table's rows as a single statement with a single JSON parameter, for
 * use inside `db.$transaction([...])`. Prisma's createMany does the same SQL but spends
 * ~250 ms of CPU per DGX-2 snapshot (170 devices, 160 VFs) serialising row by row in its
 * query compiler; PostgreSQL's jsonb_populate_recordset does it in a few ms. Rows must carry
 * every column (no defaults are applied); bigint values are sent as strings.
 */
export function insertRows(db: Db, table: InventoryTable, rows: object[]) {
  const json = JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  return db.$executeRawUnsafe(`INSERT INTO "${table}" SELECT * FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb)`, json);
}
