import { describe, expect, it } from "vitest";
import {
  touchHostsSeen,
  authenticateAgent,
  createEnrollmentToken,
  getHost,
  listHosts,
  markHostConnected,
  markHostOffline,
  redeemEnrollmentToken,
  revokeAgentCredentials,
  sweepOfflineHosts,
} from "../src/index.ts";
import { hashSecret } from "../src/secrets.ts";
import { useMigratedDatabase } from "./pg-server.ts";

const ctx = useMigratedDatabase();

describe("enrollment", () => {
  it("stores only the token's hash, and a token enrolls exactly one host", async () => {
    const { token, expiresAt } = await createEnrollmentToken(ctx.db, { hostName: "gpu-07", ttlSec: 600 });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
    const rows = await ctx.db.enrollmentToken.findMany();
    expect(rows.some((row) => row.tokenHash === hashSecret(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);

    const enrolled = await redeemEnrollmentToken(ctx.db, { token, hostname: "node17.lab" });
    expect(enrolled).toMatchObject({ hostName: "gpu-07", hostId: expect.any(String), credential: expect.stringMatching(/^vfa_/) });
    expect(await redeemEnrollmentToken(ctx.db, { token, hostname: "node17.lab" })).toBeNull();

    const host = await ctx.db.host.findUniqueOrThrow({ where: { id: enrolled!.hostId }, include: { credentials: true } });
    expect(host).toMatchObject({ name: "gpu-07", hostname: "node17.lab", online: false });
    expect(host.credentials.map((c) => c.secretHash)).toEqual([hashSecret(enrolled!.credential)]);
    expect(await ctx.db.enrollmentToken.findFirst({ where: { tokenHash: hashSecret(token) } })).toMatchObject({
      hostId: host.id,
      usedAt: expect.any(Date),
    });
  });

  it("two concurrent redeems of one token: exactly one wins, one host is created", async () => {
    const { token } = await createEnrollmentToken(ctx.db, { hostName: "race-host" });
    const results = await Promise.all(Array.from({ length: 4 }, () => redeemEnrollmentToken(ctx.db, { token, hostname: "race.lab" })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await ctx.db.host.count({ where: { hostname: "race.lab" } })).toBe(1);
  });

  it("uses the hostname when the token names no host, and makes a taken name unique", async () => {
    const a = await redeemEnrollmentToken(ctx.db, { token: (await createEnrollmentToken(ctx.db)).token, hostname: "dup" });
    const b = await redeemEnrollmentToken(ctx.db, { token: (await createEnrollmentToken(ctx.db)).token, hostname: "dup" });
    const c = await redeemEnrollmentToken(ctx.db, {
      token: (await createEnrollmentToken(ctx.db, { hostName: "dup" })).token,
      hostname: "other",
    });
    expect([a?.hostName, b?.hostName, c?.hostName]).toEqual(["dup", "dup-2", "dup-3"]);
  });

  it("concurrent enrollments of the same name get distinct names", async () => {
    const tokens = await Promise.all(Array.from({ length: 4 }, () => createEnrollmentToken(ctx.db)));
    const results = await Promise.all(tokens.map(({ token }) => redeemEnrollmentToken(ctx.db, { token, hostname: "same" })));
    expect(results.map((r) => r?.hostName).sort()).toEqual(["same", "same-2", "same-3", "same-4"]);
  });

  it("an expired token enrolls nothing", async () => {
    const { token, expiresAt } = await createEnrollmentToken(ctx.db, { ttlSec: 60 });
    const after = new Date(expiresAt.getTime() + 1);
    expect(await redeemEnrollmentToken(ctx.db, { token, hostname: "late", now: after })).toBeNull();
    expect(await ctx.db.host.count({ where: { hostname: "late" } })).toBe(0);
    // Still usable before it expires.
    expect(await redeemEnrollmentToken(ctx.db, { token, hostname: "late", now: new Date(expiresAt.getTime() - 1000) })).not.toBeNull();
  });

  it("an unknown token enrolls nothing", async () => {
    expect(await redeemEnrollmentToken(ctx.db, { token: "vfe_not-a-real-token", hostname: "x" })).toBeNull();
    expect(await redeemEnrollmentToken(ctx.db, { token: "", hostname: "x" })).toBeNull();
  });

  it("rejects bad options naming the field and the limit", async () => {
    await expect(createEnrollmentToken(ctx.db, { ttlSec: 0 })).rejects.toThrow("ttlSec must be an integer from 1 to 2592000");
    await expect(createEnrollmentToken(ctx.db, { ttlSec: 2592001 })).rejects.toThrow("ttlSec must be an integer from 1 to 2592000");
    await expect(createEnrollmentToken(ctx.db, { hostName: "bad name" })).rejects.toThrow("hostName must be 1-63 characters");
    await expect(redeemEnrollmentToken(ctx.db, { token: "t", hostname: "" })).rejects.toThrow("hostname must be 1-253 characters");
  });
});

describe("agent credentials", () => {
  it("authenticate the host until revoked", async () => {
    const enrolled = (await redeemEnrollmentToken(ctx.db, {
      token: (await createEnrollmentToken(ctx.db, { hostName: "auth-1" })).token,
      hostname: "auth-1.lab.example",
    }))!;
    expect(await authenticateAgent(ctx.db, enrolled.credential)).toEqual({
      hostId: enrolled.hostId,
      hostName: "auth-1",
      hostname: "auth-1.lab.example",
    });
    expect(await authenticateAgent(ctx.db, `${enrolled.credential}x`)).toBeNull();
    expect(await authenticateAgent(ctx.db, "")).toBeNull();

    expect(await revokeAgentCredentials(ctx.db, enrolled.hostId)).toEqual({ revoked: 1 });
    expect(await authenticateAgent(ctx.db, enrolled.credential)).toBeNull();
    expect(await revokeAgentCredentials(ctx.db, enrolled.hostId)).toEqual({ revoked: 0 });
  });
});

describe("host liveness", () => {
  it("connected, seen, offline and swept", async () => {
    const { hostId } = (await redeemEnrollmentToken(ctx.db, {
      token: (await createEnrollmentToken(ctx.db, { hostName: "live-1" })).token,
      hostname: "live-1",
    }))!;
    const { hostId: otherId } = (await redeemEnrollmentToken(ctx.db, {
      token: (await createEnrollmentToken(ctx.db, { hostName: "live-2" })).token,
      hostname: "live-2",
    }))!;
    const t0 = new Date("2030-01-01T00:00:00Z");
    await markHostConnected(ctx.db, hostId, { agentVersion: "0.1.0", protocolVersion: "1.0" }, t0);
    await markHostConnected(ctx.db, otherId, { agentVersion: "0.1.0", protocolVersion: "1.0" }, t0);
    expect(await ctx.db.host.findUniqueOrThrow({ where: { id: hostId } })).toMatchObject({
      online: true,
      connectedAt: t0,
      lastSeenAt: t0,
      agentVersion: "0.1.0",
      protocolVersion: "1.0",
    });

    await touchHostsSeen(ctx.db, [otherId], new Date(t0.getTime() + 50_000));
    // live-1 silent for 60 s, live-2 for 10 s.
    const swept = await sweepOfflineHosts(ctx.db, { staleAfterMs: 30_000, now: new Date(t0.getTime() + 60_000) });
    expect(swept).toEqual([hostId]);
    expect(await sweepOfflineHosts(ctx.db, { staleAfterMs: 30_000, now: new Date(t0.getTime() + 60_000) })).toEqual([]);
    expect((await ctx.db.host.findUniqueOrThrow({ where: { id: otherId } })).online).toBe(true);

    await markHostOffline(ctx.db, otherId);
    expect((await ctx.db.host.findUniqueOrThrow({ where: { id: otherId } })).online).toBe(false);

    const listed = await listHosts(ctx.db);
    expect(listed.map((h) => h.name)).toEqual([...listed.map((h) => h.name)].sort());
    expect(listed.find((h) => h.id === hostId)).toEqual({
      id: hostId,
      name: "live-1",
      hostname: "live-1",
      online: false,
      lastSeenAt: t0,
      snapshotAt: null,
      agentVersion: "0.1.0",
      protocolVersion: "1.0",
      adoption: null,
      iommuEnabled: null,
      kernelCmdline: null,
      health: null,
      capacity: null,
      credentialConflict: null,
      removedAt: null,
      simulated: null,
      maintenance: null,
      deviceHealth: { quarantined: 0, degraded: 0 },
    });
    expect(await getHost(ctx.db, hostId)).toMatchObject({ summary: { id: hostId }, inventory: null });
    expect(await getHost(ctx.db, "no-such-host")).toBeNull();
  });

  it("markHostConnected stores what the agent adopts, and a hello that says nothing clears it (could not tell, not a stale policy)", async () => {
    const { hostId } = (await redeemEnrollmentToken(ctx.db, {
      token: (await createEnrollmentToken(ctx.db, { hostName: "adopt-1" })).token,
      hostname: "adopt-1",
    }))!;
    const adoption = { adopt: ["0000:86:00.0"], simulatorDefault: false };
    await markHostConnected(ctx.db, hostId, { agentVersion: "0.1.0", protocolVersion: "1.8", adoption });
    expect((await getHost(ctx.db, hostId))?.summary.adoption).toEqual(adoption);
    await markHostConnected(ctx.db, hostId, { agentVersion: "0.0.9", protocolVersion: "1.7" });
    expect((await getHost(ctx.db, hostId))?.summary.adoption).toBeNull();
  });

  it("markHostConnected names a missing host; sweep rejects a bad staleAfterMs", async () => {
    await expect(markHostConnected(ctx.db, "nope", { agentVersion: "1", protocolVersion: "1.0" })).rejects.toThrow(
      "markHostConnected: no host with id nope",
    );
    await expect(sweepOfflineHosts(ctx.db, { staleAfterMs: 0 })).rejects.toThrow("staleAfterMs must be a positive number");
  });
});
