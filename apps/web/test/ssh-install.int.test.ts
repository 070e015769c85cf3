import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleAgent } from "@vfleet/agent/build";
import { scanHost } from "@vfleet/agent/scan";
import { AGENT_PATHS, execStartOf, MIN_NODE } from "@vfleet/core";
import { listHosts, loadInventory, normalizeInventory } from "@vfleet/db";
import { installAgent } from "../server/host-install/install-agent.ts";
import type { InstallRun } from "../server/host-install/install-runs.ts";
import { systemdService } from "../server/host-install/service-manager.ts";
import { StepLog } from "../server/host-install/step-log.ts";
import { execStartService } from "./exec-start-service.ts";
import { launchChromium } from "./launch-chromium.ts";
import { waitFor } from "./jobs-helpers.ts";
import { addTestUser, startSshd, type TestSshd } from "./start-sshd.ts";
import { bearer, startTestStack, type TestStack } from "./start-test-stack.ts";
import { asScanned } from "./as-scanned.ts";

/**
 * The SSH installer against a real OpenSSH server on loopback, logging in as real local users
 * (one with passwordless sudo, one whose sudo wants a password). The agent is installed under a
 * scratch prefix instead of / and started by its unit's ExecStart line (no systemd here).
 */
const OK_USER = "vfleet-ssh-ok";
const PW_USER = "vfleet-ssh-pw";

let sshd: TestSshd;
let stack: TestStack;
let work: string;
let paths: typeof AGENT_PATHS;
let artifact: string;
let fingerprint: string;
const cleanups: (() => void)[] = [];

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${stack.plane.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(stack.tokens.admin) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function runToEnd(body: unknown): Promise<InstallRun> {
  const started = await post("/api/v1/host-installs", body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return waitFor(
    "the install run to finish",
    async () => {
      const run = (await (
        await fetch(`${stack.plane.url}${started.body.url as string}`, { headers: bearer(stack.tokens.admin) })
      ).json()) as InstallRun;
      return run.state === "done" ? run : undefined;
    },
    120_000,
    250,
  );
}

const target = (user: string, hostName: string) => ({ address: "127.0.0.1", port: sshd.port, user, hostName, hostKeySha256: fingerprint });
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const agentPid = async () => Number((await readFile(`${paths.dir}.pid`, "utf8")).trim());
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  for (const u of [OK_USER, PW_USER]) execFileSync("sh", ["-c", `userdel -r ${u} 2>/dev/null; rm -f /etc/sudoers.d/${u}; true`]);
  cleanups.push(addTestUser(OK_USER, "nopasswd"), addTestUser(PW_USER, "password"));
  work = await mkdtemp(join(tmpdir(), "vfleet-ssh-install-"));
  const prefix = join(work, "host");
  paths = Object.fromEntries(
    Object.entries(AGENT_PATHS).map(([k, v]) => [k, k === "unitName" ? v : `${prefix}${v}`]),
  ) as unknown as typeof AGENT_PATHS;
  artifact = join(work, "vfleet-agent.mjs");
  await bundleAgent(artifact);
  sshd = await startSshd();
  stack = await startTestStack({
    hostInstall: { keyDir: join(work, "ssh-key"), artifact, service: execStartService, paths, maxParallel: 2, onlineTimeoutMs: 20_000 },
  });
  const { publicKey } = (await (await fetch(`${stack.plane.url}/api/v1/ssh-key`, { headers: bearer(stack.tokens.admin) })).json()) as {
    publicKey: string;
  };
  for (const u of [OK_USER, PW_USER]) await sshd.authorize(u, publicKey);
});

afterAll(async () => {
  // An agent left running by a failed test: it was started as root through sudo.
  const pid = await agentPid().catch(() => null);
  if (pid && alive(pid)) process.kill(pid, "SIGTERM");
  await stack?.stop();
  await sshd?.stop();
  for (const c of cleanups) c();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("installing the agent over SSH (real OpenSSH, real sudo)", { timeout: 90_000 }, () => {
  it("shows the control plane's key and the host's fingerprint as ssh-keygen prints it", async () => {
    const { publicKey } = (await (await fetch(`${stack.plane.url}/api/v1/ssh-key`, { headers: bearer(stack.tokens.admin) })).json()) as {
      publicKey: string;
    };
    expect(publicKey).toMatch(/^ssh-ed25519 \S+ vfleet-control-plane$/);
    const probe = await post("/api/v1/ssh-targets/probe", { address: "127.0.0.1", port: sshd.port });
    const keygen = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(sshd.dir, "ssh_host_ed25519_key.pub")], {
      encoding: "utf8",
    });
    expect(probe.body).toMatchObject({ keyType: "ssh-ed25519", pinned: null });
    expect(keygen).toContain(probe.body.fingerprint as string);
    fingerprint = probe.body.fingerprint as string;
  });

  it("refuses bad input naming the field and the limit", async () => {
    const bad = await post("/api/v1/host-installs", {
      action: "install",
      targets: [{ address: "127.0.0.1", port: 70000, user: OK_USER, hostName: "x" }],
    });
    expect(bad).toMatchObject({ status: 400, body: { field: "targets.0.port", error: "targets.0.port: must be from 1 to 65535" } });
  });

  it("stops on a host without systemd before changing anything", async () => {
    const log = new StepLog();
    const ctx = { db: stack.db, artifact, agentUrl: stack.agentUrl, minNode: MIN_NODE, service: systemdService, paths };
    await expect(
      installAgent(log, ctx, target(OK_USER, "ssh-01"), { privateKey: await readFile(join(work, "ssh-key", "id_ed25519"), "utf8") }),
    ).rejects.toThrow("no systemd on this host");
    expect(log.steps.map((s) => [s.name, s.state])).toEqual([
      ["connect", "ok"],
      ["preflight", "failed"],
    ]);
    expect(log.steps[1]!.explanation).toMatch(/Nothing was changed/);
    expect(await exists(join(work, "host"))).toBe(false);
    expect(await listHosts(stack.db)).toEqual([]);
  });

  it("installs on many hosts at once: the sudo user's host enrolls and reports, the password-sudo one is explained", async () => {
    const run = await runToEnd({ action: "install", targets: [target(OK_USER, "ssh-01"), target(PW_USER, "ssh-02")] });
    const [ok, pw] = run.targets;
    expect(ok!.state, JSON.stringify(ok, null, 2)).toBe("succeeded");
    expect(ok!.steps.map((s) => s.name)).toEqual(["connect", "preflight", "upload", "write files", "start", "wait online", "finish"]);
    expect(ok!.steps.every((s) => s.state === "ok")).toBe(true);
    expect(pw).toMatchObject({ state: "failed", error: "sudo asked for a password", explanation: expect.stringMatching(/NOPASSWD/) });
    expect(stack.plane.hostInstalls.runs.peakParallel).toBeLessThanOrEqual(2);

    // What the agent stored is what it scanned of this machine, through the unit's own ExecStart.
    const host = (await listHosts(stack.db)).find((h) => h.name === "ssh-01")!;
    expect(host.online).toBe(true);
    const stored = (await loadInventory(stack.db, host.id))!;
    expect(asScanned(stored)).toEqual(normalizeInventory(await scanHost("/")));
    expect(stored.host.simulated).toBe(false); // the unit runs on this machine's kernel
    const unit = await readFile(paths.unit, "utf8");
    expect(execStartOf(unit)).toEqual([process.execPath, paths.artifact, "run", "--config", paths.config]);
    expect(await exists(paths.tokenFile)).toBe(false);
    expect((await stat(paths.state)).mode & 0o777).toBe(0o600);
    const config = JSON.parse(await readFile(paths.config, "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({ server: stack.agentUrl, state: paths.state });
  });

  it("upgrades in place on a second run, saying from which build to which: new artifact, same host and credential", async () => {
    const pidBefore = await agentPid();
    const hostsBefore = await listHosts(stack.db);
    const versionOf = (file: string) =>
      JSON.parse(execFileSync(process.execPath, [file, "version", "--json"], { encoding: "utf8" })) as { agent: string; commit: string };
    const before = versionOf(artifact);
    const shaBefore = createHash("sha256")
      .update(await readFile(artifact))
      .digest("hex");
    // The same agent as if built from another commit: the commit is a string the build put in.
    await writeFile(artifact, (await readFile(artifact, "utf8")).replaceAll(`"${before.commit}"`, '"0123456789ab"'));
    expect(versionOf(artifact).commit).toBe("0123456789ab");
    const sha = createHash("sha256")
      .update(await readFile(artifact))
      .digest("hex");
    const run = await runToEnd({ action: "install", targets: [target(OK_USER, "ssh-01")] });
    expect(run.targets[0]!.state, JSON.stringify(run.targets[0], null, 2)).toBe("succeeded");
    expect(run.targets[0]!.steps.find((s) => s.name === "preflight")!.output).toMatch(/upgrade in place/);
    expect(run.targets[0]!.steps.find((s) => s.name === "upload")!.output).toContain(
      `upgrade from agent ${before.agent}+${before.commit} (sha256 ${shaBefore.slice(0, 12)}) to agent ${before.agent}+0123456789ab (sha256 ${sha.slice(0, 12)})`,
    );
    expect(
      createHash("sha256")
        .update(await readFile(paths.artifact))
        .digest("hex"),
    ).toBe(sha);
    expect(await agentPid()).not.toBe(pidBefore);
    expect(alive(pidBefore)).toBe(false);
    const hostsAfter = await listHosts(stack.db);
    expect(hostsAfter.map((h) => h.id)).toEqual(hostsBefore.map((h) => h.id));
    expect(await exists(`${paths.artifact}.vfleet-prev`)).toBe(false);
  });

  it("refuses a key the host does not accept, explaining where the public key goes", async () => {
    const keyFile = join(work, "other_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile]);
    const run = await runToEnd({
      action: "install",
      targets: [target(OK_USER, "ssh-01")],
      key: { kind: "pasted", privateKey: await readFile(keyFile, "utf8") },
    });
    expect(run.targets[0]).toMatchObject({
      state: "failed",
      error: `127.0.0.1:${sshd.port} refused the key for user ${OK_USER}`,
      explanation: expect.stringContaining(`~${OK_USER}/.ssh/authorized_keys`),
    });
  });

  it("removes: stops the agent, deletes what it installed and revokes the credential", async () => {
    const pid = await agentPid();
    const host = (await listHosts(stack.db)).find((h) => h.name === "ssh-01")!;
    const run = await runToEnd({ action: "remove", targets: [target(OK_USER, "ssh-01")] });
    expect(run.targets[0]!.state, JSON.stringify(run.targets[0], null, 2)).toBe("succeeded");
    expect(alive(pid)).toBe(false);
    for (const p of [paths.dir, paths.configDir, paths.stateDir, paths.unit]) expect(await exists(p), p).toBe(false);
    const creds = await stack.db.agentCredential.findMany({ where: { hostId: host.id } });
    expect(creds.length).toBeGreaterThan(0);
    expect(creds.every((c) => c.revokedAt !== null)).toBe(true);
  });

  it("an agent that does not come online is explained with its log, and the install is taken back", async () => {
    const log = new StepLog();
    const ctx = {
      db: stack.db,
      artifact,
      agentUrl: "ws://127.0.0.1:9/agent",
      minNode: MIN_NODE,
      service: execStartService,
      paths,
      onlineTimeoutMs: 3000,
    };
    const key = { privateKey: await readFile(join(work, "ssh-key", "id_ed25519"), "utf8") };
    await expect(installAgent(log, ctx, target(OK_USER, "ssh-unreachable"), key)).rejects.toThrow(
      "the agent did not come online within 3 s",
    );
    const waited = log.steps.find((s) => s.name === "wait online")!;
    expect(waited.explanation).toMatch(/ECONNREFUSED 127\.0\.0\.1:9[\s\S]*Check that the host reaches ws:\/\/127\.0\.0\.1:9\/agent/);
    expect(log.steps.at(-1)).toMatchObject({ name: "roll back", state: "ok" });
    for (const p of [paths.dir, paths.configDir, paths.unit]) expect(await exists(p), p).toBe(false);
  });

  it("the Add hosts page: shows the key and fingerprint, installs and removes with every step shown", async () => {
    const browser = await launchChromium();
    try {
      // An admin (the page and its API are admin-only); Bearer works for pages as for the API.
      const page = await browser.newPage({ extraHTTPHeaders: bearer(stack.tokens.admin) });
      await page.goto(`${stack.plane.url}/install`);
      await page
        .getByTestId("public-key")
        .getByText(/^ssh-ed25519 /)
        .waitFor();
      await page.fill("input[name=address]", "127.0.0.1");
      await page.fill("input[name=port]", String(sshd.port));
      await page.fill("input[name=user]", OK_USER);
      await page.fill("input[name=hostName]", "ssh-page");
      await page.getByRole("button", { name: "Fetch host key" }).click();
      await page.getByTestId("fingerprint").getByText(fingerprint).waitFor();
      await page.getByText("Matches the key pinned on first contact.").waitFor();
      await page.getByRole("button", { name: "Add to the list" }).click();
      await page.getByRole("button", { name: "Install / upgrade on 1 host(s)" }).click();
      const run = page.getByTestId("install-run");
      await run.getByText("Install finished").waitFor({ timeout: 60_000 });
      expect(await run.textContent()).toMatch(
        /ssh-page.*succeeded.*connect.*preflight.*upload.*write files.*start.*wait online.*ssh-page is online/s,
      );
      await page.screenshot({ path: "test-results/install-hosts.png", fullPage: true });
      expect((await listHosts(stack.db)).find((h) => h.name === "ssh-page")?.online).toBe(true);
      await page.getByRole("button", { name: "Remove from 1 host(s)" }).click();
      await run.getByText("Removal finished").waitFor({ timeout: 60_000 });
      expect(await run.textContent()).toMatch(/ssh-page.*succeeded.*stop.*delete files.*revoke/s);
      expect(await exists(paths.dir)).toBe(false);
    } finally {
      await browser.close();
    }
  });

  it("a retried install with the same Idempotency-Key gets the same run and starts nothing; another body with that key is a 422 naming the header", async () => {
    // A user sshd does not know: the run is real (it logs in and fails there) and changes nothing on the host.
    const body = { action: "install", targets: [target("vfleet-ssh-nobody", "idem-host")] };
    const send = (b: unknown) =>
      fetch(`${stack.plane.url}/api/v1/host-installs`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "install-retry-0123456789", ...bearer(stack.tokens.admin) },
        body: JSON.stringify(b),
      });
    const startedBefore = stack.plane.hostInstalls.runs.started;
    const first = await send(body);
    const firstBody = (await first.json()) as { id: string };
    expect(first.status, JSON.stringify(firstBody)).toBe(202);
    const retry = await send(body);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(((await retry.json()) as { id: string }).id).toBe(firstBody.id);
    expect(stack.plane.hostInstalls.runs.started).toBe(startedBefore + 1);
    const other = await send({ ...body, action: "remove" });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { field: string }).field).toBe("Idempotency-Key");
    expect(stack.plane.hostInstalls.runs.started).toBe(startedBefore + 1);
    await stack.plane.hostInstalls.runs.settled(firstBody.id);
  });

  it("refuses a host whose key changed since it was pinned, and changes nothing", async () => {
    await sshd.rotateHostKey();
    const run = await runToEnd({ action: "install", targets: [{ ...target(OK_USER, "ssh-01"), hostKeySha256: undefined }] });
    expect(run.targets[0]).toMatchObject({
      state: "failed",
      error: expect.stringMatching(/host key of 127\.0\.0\.1:\d+ changed: pinned SHA256:\S+, offered SHA256:\S+/),
    });
    expect(run.targets[0]!.steps.map((s) => s.name)).toEqual(["connect"]);
    expect(await exists(paths.dir)).toBe(false);
  });
});
