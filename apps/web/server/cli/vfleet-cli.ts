import { parseArgs } from "node:util";
import { applyMigrations, createDb, runningDatabaseUrl, startDatabase, type Database } from "@vfleet/db";
import { loadEnv } from "../env.ts";
import { createFirstAdmin } from "./create-first-admin.ts";

const USAGE = `usage: pnpm vfleet create-admin --username NAME [--password-stdin] [--force]

  Creates the first admin (only while no user exists; --force adds one anyway).
  Without --password-stdin a password is generated and printed once.
  The database is DATABASE_URL, else the embedded one in VFLEET_DATA_DIR (.vfleet/postgres),
  joined when a control plane is running on it.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** The control plane's database: the running embedded server, else one started for this command. */
async function openDatabase(): Promise<Database> {
  const env = loadEnv(process.env);
  const running = env.DATABASE_URL ? null : await runningDatabaseUrl(env.VFLEET_DATA_DIR);
  if (running) return { url: running, embedded: true, stop: async () => {} };
  return startDatabase({ dataDir: env.VFLEET_DATA_DIR, databaseUrl: env.DATABASE_URL });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { username: { type: "string" }, "password-stdin": { type: "boolean" }, force: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help || positionals[0] !== "create-admin" || positionals.length > 1 || !values.username) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const password = values["password-stdin"] ? await readStdin() : undefined;
  const database = await openDatabase();
  const db = createDb(database.url);
  try {
    await applyMigrations(database.url);
    const result = await createFirstAdmin(db, { username: values.username, password, force: values.force });
    if (!result.ok) {
      process.stderr.write(`create-admin: ${result.error}\n`);
      return 1;
    }
    process.stdout.write(`admin ${result.username} created; sign in at /login\n`);
    if (result.generated) process.stdout.write(`password: ${result.password}\n`);
    return 0;
  } finally {
    await db.$disconnect();
    await database.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`create-admin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
