import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEnrollmentToken } from "@vfleet/db";
import { buildTree } from "@vfleet/simulator";
import { createControlPlane } from "../server/create-control-plane.ts";
import { waitFor } from "./jobs-helpers.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * The control plane with its own certificate: a real agent process enrolls over https and
 * reports over wss only when it trusts the certificate (`--ca-file`); without it, it refuses.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
let stack: TestStack;
let dir: string;
let certFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-tls-"));
  certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  // A self-signed certificate for 127.0.0.1, as an operator would make one with openssl.
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=vfleet-test",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  stack = await startTestStack({ tls: { cert: await readFile(certFile), key: await readFile(keyFile) } });
  await buildTree("intel-82576", join(dir, "root"));
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runAgent(name: string, extra: string[]): { exit: Promise<number | null>; stderr: () => string; kill(): void } {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      agentCli,
      "run",
      "--state",
      join(dir, `${name}.json`),
      "--root",
      join(dir, "root"),
      "--simulated",
      "--scan-interval-ms",
      "500",
      ...extra,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  return { exit: new Promise((resolve) => child.once("exit", resolve)), stderr: () => stderr, kill: () => child.kill("SIGTERM") };
}

it("serves https and wss; an agent with --ca-file enrolls and reports, one without refuses the certificate", async () => {
  expect(stack.plane.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
  const untrusting = runAgent("untrusting", [
    "--server",
    stack.agentUrl,
    "--token",
    (await createEnrollmentToken(stack.db, { hostName: "untrusting" })).token,
  ]);
  expect(await untrusting.exit).not.toBe(0);
  expect(untrusting.stderr()).toMatch(/self[- ]signed certificate/);

  const trusting = runAgent("trusting", [
    "--server",
    stack.agentUrl,
    "--ca-file",
    certFile,
    "--token",
    (await createEnrollmentToken(stack.db, { hostName: "trusting" })).token,
  ]);
  try {
    const host = await waitFor(
      "the agent's first snapshot over wss",
      async () => {
        const h = await stack.db.host.findUnique({ where: { name: "trusting" } });
        return h?.online && h.snapshotHash ? h : undefined;
      },
      30_000,
    );
    expect(host.online).toBe(true);
  } finally {
    trusting.kill();
    await trusting.exit;
  }
  expect(await stack.db.host.count({ where: { name: "untrusting" } })).toBe(0);
});

it("refuses to listen beyond loopback without TLS, and says how to fix it", async () => {
  await expect(createControlPlane({ db: stack.db, port: 0, host: "0.0.0.0", authSecret: "x".repeat(32), log: () => {} })).rejects.toThrow(
    /refusing to listen on 0\.0\.0\.0 without TLS: set VFLEET_TLS_CERT_FILE/,
  );
});
