import { fileURLToPath } from "node:url";

/** `prisma/` at the repository root: schema.prisma and migrations/ live there, not in this package. */
const PRISMA_DIR = fileURLToPath(new URL("../../../prisma/", import.meta.url));
export const SCHEMA_PATH = `${PRISMA_DIR}schema.prisma`;
export const MIGRATIONS_DIR = `${PRISMA_DIR}migrations`;
