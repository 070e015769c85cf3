import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { startDatabase } from "./src/start-database.ts";
import { diffSchema } from "./src/diff-schema.ts";
import * as L from "./src/load-schema-engine.ts";
process.on("uncaughtException", (e) => { console.error("UNCAUGHT", e.message, "panic:", L.lastPanic); process.exit(1); });
const dir = await mkdtemp(`${tmpdir()}/vfdb-`);
const db = await startDatabase({ dataDir: `${dir}/pg` });
try { console.log(JSON.stringify(await diffSchema({ url: db.url }))); } catch (e) { console.error("ERR", e, L.lastPanic); }
await db.stop();
