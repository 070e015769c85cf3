import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

type WasmBindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

/** The slice of the WebAssembly global used here (this package's TS lib has no WebAssembly types). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: Record<string, unknown> & { memory: unknown } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let bindings: Promise<WasmBindings> | undefined;
/** Message of the last panic inside the engine, for error reports. */
export let lastPanic: string | undefined;

/**
 * Instantiate Prisma's WebAssembly schema engine without a bundler (its package entry imports
 * a `.wasm` file, which Node cannot). The native engine would be downloaded at run time from a
 * host these machines cannot reach; the wasm build does the same diff/migrate work offline.
 * Instantiated once per process: the module is 5 MB.
 */
function loadBindings(): Promise<WasmBindings> {
  bindings ??= (async () => {
    // The engine reports Rust panics through this global before trapping; without it the
    // panic message is lost behind a TypeError.
    const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message) {
        lastPanic = message;
      },
    };
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as WasmBindings;
    const wasmPath = createRequire(import.meta.url)
      .resolve("@prisma/schema-engine-wasm/schema_engine_bg")
      .replace(/\.js$/, ".wasm"); // the .wasm is not in the package's exports map
    const module = await wasmApi.compile(await readFile(wasmPath));
    const instance = await wasmApi.instantiate(module, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports as never);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

/**
 * A schema engine bound to a PostgreSQL server. `diff` from migrations creates (and drops) a
 * throw-away shadow database on that server through the adapter.
 */
export async function loadSchemaEngine(options: { url: string; schema: { path: string; content: string } }): Promise<SchemaEngine> {
  const bg = await loadBindings();
  const adapter = bindMigrationAwareSqlAdapterFactory(new CharTolerantPg(options.url));
  return bg.SchemaEngine.new({ datamodels: [[options.schema.path, options.schema.content]] }, () => {}, adapter);
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The engine's schema describer reads catalog columns of PostgreSQL's one-byte `"char"` type
 * (pg_class.relkind, pg_constraint.contype...) and expects them typed as Character, but
 * @prisma/adapter-pg 7.10 rejects that type ("Column type 'char' could not be deserialized").
 * node-postgres already returns the values as strings: let the adapter see text, then report
 * those columns as Character.
 */
class CharTolerantPg extends PrismaPg {
  constructor(private readonly url: string) {
    super({ connectionString: url });
  }
  override async connect() {
    return wholeScripts(typeCharColumns(await super.connect()));
  }
  /**
   * adapter-pg 7.10 creates the shadow database, then connects with `{ connectionString,
   * database }`, where node-postgres lets the URL's database win: the "shadow" migrations
   * would run in the real database. Connect to the shadow database by URL instead.
   */
  override async connectToShadowDb() {
    const admin = await this.connect();
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${name}"`);
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    const shadow = await new CharTolerantPg(url.toString()).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.executeScript(`DROP DATABASE "${name}"`);
      await admin.dispose();
    };
    return shadow;
  }
}

type Fields = { fields?: { dataTypeID: number }[] };
interface PatchableAdapter {
  performIO(query: object): Promise<Fields>;
  queryRaw(query: object): Promise<{ columnTypes: number[] }>;
}

function typeCharColumns<T extends object>(adapter: T): T {
  const target = adapter as unknown as PatchableAdapter;
  const charColumns = new WeakMap<object, number[]>();
  const performIO = target.performIO.bind(target);
  const queryRaw = target.queryRaw.bind(target);
  // queryRaw(query) calls this.performIO(query) with the same object: key the note on it.
  target.performIO = async (query) => {
    const result = await performIO(query);
    const found: number[] = [];
    result?.fields?.forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID;
        found.push(i);
      }
    });
    if (found.length > 0) charColumns.set(query, found);
    return result;
  };
  target.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(query) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return adapter;
}

/**
 * adapter-pg 7.10's executeScript splits a migration on every `;`, which cuts a dollar-quoted
 * function body (the Job trigger of migration scale_processes) into broken statements. PostgreSQL
 * runs a whole multi-statement script in one simple query: send it as it is.
 */
function wholeScripts<T extends object>(adapter: T): T {
  const target = adapter as unknown as {
    client: { query(sql: string): Promise<unknown> };
    onError(error: unknown): never;
    executeScript(script: string): Promise<void>;
  };
  target.executeScript = async (script) => {
    try {
      await target.client.query(script);
    } catch (error) {
      target.onError(error);
    }
  };
  return adapter;
}
