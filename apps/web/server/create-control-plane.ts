import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import next from "next";
import {
  cancelJob,
  createApiToken,
  createEnrollmentToken,
  createJobs,
  createJobGroup,
  savePlacementPreview,
  readPlacementPreview,
  dropPlacementPreview,
  fleetTotals,
  getHost,
  getPlanTarget,
  readFleetHealth,
  getJob,
  getPlan,
  listApiTokens,
  listAuditEvents,
  listAuditPage,
  listHosts,
  listHostsPage,
  listJobs,
  listJobsPage,
  removeHost,
  revokeAgentCredentials,
  revokeApiToken,
  abandonJob,
  findMacUsers,
  readHostBasis,
  listGuestsDefinedByVfleet,
  findRankedCandidateHosts,
  readCandidateVersion,
  findHostIds,
  getHostLabels,
  getPool,
  listAssignmentEvents,
  listAssignments,
  adoptAssignments,
  listPools,
  listUsedMacs,
  loadPlacementHosts,
  loadPoolSummaries,
  savePool,
  setHostLabels,
  setHostMaintenance,
  findHostIdsByLabels,
  listHostReservations,
  listMaintenanceHosts,
  setDeviceQuarantine,
  listDeviceQuarantines,
  listDeviceHealth,
  redeemEnrollmentToken,
  getHostLiveness,
  readCapacityHistory,
  claimIdempotencyKey,
  saveIdempotentAnswer,
  releaseIdempotencyKey,
  renewIdempotencyClaim,
  databaseUrlOf,
  createDb,
  writeInventory,
  recordSnapshotHistory,
  evaluateDeviceHealth,
  type Db,
} from "@vfleet/db";
import { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from "@vfleet/core";
import { setControlPlaneContext } from "../lib/control-plane-context.ts";
import { FleetEvents } from "../lib/fleet-events.ts";
import { AgentGateway } from "./agent-gateway.ts";
import { createAuth } from "./auth/create-auth.ts";
import { createUser } from "./auth/create-user.ts";
import { createHttpAccess } from "./auth/http-access.ts";
import { identityStillValid } from "./auth/resolve-identity.ts";
import { listUsers } from "./auth/list-users.ts";
import { deleteUser, updateUser } from "./auth/manage-users.ts";
import { createRateLimits, type RateLimitOptions } from "./auth/rate-limits.ts";
import { setSecurityHeaders } from "./auth/security-headers.ts";
import { JobDispatcher, PROCESS_DEAD_AFTER_MS } from "./job-dispatcher.ts";
import { LivenessWriter } from "./liveness-writer.ts";
import { SnapshotStoreQueue } from "./snapshot-store-queue.ts";
import { hostInstallDefaults } from "./host-install/host-install-defaults.ts";
import { createHostInstallHandler, type HostInstallOptions } from "./host-install/serve-host-installs.ts";
import { jsonLog, type Log } from "./logger.ts";
import { createControlPlaneMetrics } from "./metrics/control-plane-metrics.ts";
import { decideListen } from "./listen-policy.ts";
import { createDatabaseOutageGuard } from "./database-outage.ts";
import { bodyLimitFor, refuseRequest } from "./request-guard.ts";
import { boundChunkedBody } from "./bound-body.ts";
import { serveEvents } from "./serve-events.ts";
import { startOfflineSweeper } from "./start-offline-sweeper.ts";

export interface ControlPlaneOptions {
  db: Db;
  /** 0 picks a free port; read the result from `url`. */
  port: number;
  /** Interface to listen on; loopback unless told otherwise. */
  host?: string;
  /** Told to agents in server.welcome; also the server's ping period for dead sockets. */
  heartbeatIntervalMs?: number;
  /** A host silent this long is marked offline by the sweeper. */
  offlineAfterMs?: number;
  /** An agent must report a job within this or it is redelivered (5 min: a 160-device attach takes a while). */
  jobLeaseMs?: number;
  /** Run Next in dev mode (compile on demand, HMR); false serves the `next build` output. */
  dev?: boolean;
  log?: Log;
  /** The SSH installer's settings (server/host-install); defaults from the environment. */
  hostInstall?: Partial<Omit<HostInstallOptions, "db">>;
  /** When set, GET /metrics needs `Authorization: Bearer <token>` (VFLEET_METRICS_TOKEN). */
  metricsToken?: string;
  /** Signs session cookies (at least 32 characters); the same value across restarts keeps operators signed in. */
  authSecret: string;
  /** The URL browsers use when it is not the listen address (a TLS-terminating proxy). */
  publicUrl?: string;
  /** A session unused this long expires. */
  sessionTtlSec?: number;
  rateLimits?: RateLimitOptions;
  /** Serve https:// and wss:// with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Serve plain HTTP beyond loopback: a TLS-terminating proxy stands in front (logged). */
  allowPlainHttp?: boolean;
  /** An agent socket with more unsent bytes is terminated (default 16 MiB: control-plane-side-session.ts). */
  agentMaxBufferedBytes?: number;
  /** Snapshot stores running at once (VFLEET_SNAPSHOT_STORE_CONCURRENCY); the rest queue, their agents paused. */
  snapshotStoreConcurrency?: number;
  /** Agent connections worked on at once, upgrade to first snapshot (VFLEET_AGENTS_CONNECTING_MAX); the rest get 503 + Retry-After. */
  agentsConnectingMax?: number;
  /** Device health's AER limits (VFLEET_HEALTH_THRESHOLDS over core's defaults); pools override them per device. */
  healthThresholds?: HealthThresholds;
}

/** Enough to keep PostgreSQL busy on two cores while leaving pool connections for the API and jobs. */
const SNAPSHOT_STORE_CONCURRENCY = 4;
/** PostgreSQL connections kept for agents' upgrades, beside the pool (README's connection budget). */
const UPGRADE_DB_CONNECTIONS = 2;
/** Connections the kernel queues before the server accepts them (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 8192;

export interface ControlPlane {
  /** `http://host:port`; the agent socket is at `ws://host:port/agent`. */
  url: string;
  events: FleetEvents;
  /** Drop a host's agent socket (the agent reconnects by itself). */
  disconnectAgent(hostId: string): boolean;
  hostInstalls: ReturnType<typeof createHostInstallHandler>;
  close(): Promise<void>;
}

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const AGENT_PATH = "/agent";
const EVENTS_PATH = "/api/v1/events";
const METRICS_PATH = "/metrics";

const pathOf = (req: IncomingMessage) => (req.url ?? "/").split("?")[0];

/**
 * One HTTP port serving the Next.js UI and REST API, the agent WebSocket at `/agent`, and the
 * SSE stream at `/api/v1/events`. Route handlers and pages reach the Db and the event bus
 * through the globalThis slot set here, so one control plane per process.
 */
export async function createControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { db, port, host = "127.0.0.1", dev = false } = options;
  const metrics = createControlPlaneMetrics(db, { token: options.metricsToken ?? process.env.VFLEET_METRICS_TOKEN });
  // The log's structured events (snapshot received, job dispatched/finished) also drive the metrics.
  const log = metrics.observeLog(options.log ?? jsonLog);
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 10_000;
  const offlineAfterMs = options.offlineAfterMs ?? 25_000;
  if (heartbeatIntervalMs >= offlineAfterMs) {
    throw new Error(
      `heartbeatIntervalMs (${heartbeatIntervalMs}) must be below offlineAfterMs (${offlineAfterMs}) or healthy hosts are swept offline`,
    );
  }

  const listen = decideListen(host, {
    tls: options.tls !== undefined,
    allowPlainHttp: options.allowPlainHttp ?? false,
    publicUrl: options.publicUrl !== undefined,
  });
  if (!listen.ok) throw new Error(listen.error);
  if (listen.warning) log("warn", listen.warning, { host });

  const events = new FleetEvents();
  const processId = randomUUID();
  const jobs = new JobDispatcher({ db, events, log, leaseMs: options.jobLeaseMs ?? 5 * 60_000, processId, databaseUrl: databaseUrlOf(db) });
  await jobs.start();
  const stores = new SnapshotStoreQueue({
    concurrency: options.snapshotStoreConcurrency ?? SNAPSHOT_STORE_CONCURRENCY,
    store: (hostId, snapshot) => writeInventory(db, hostId, snapshot),
    derive: async (stored) => {
      await recordSnapshotHistory(
        db,
        stored.map((s) => ({ hostId: s.hostId, inventory: s.snapshot.inventory })),
      );
      // New AER counters may degrade or quarantine a device: the host's pages update live.
      const changes = await evaluateDeviceHealth(
        db,
        stored.map((s) => s.hostId),
        options.healthThresholds ?? DEFAULT_HEALTH_THRESHOLDS,
      );
      for (const c of changes) events.emit({ type: "host-changed", hostId: c.hostId, hash: `health:${c.address}:${c.to}` });
    },
    log,
  });
  // Two connections of their own for agents' upgrades (authentication, session claim): behind the
  // pool's queue of snapshot stores they waited longer than the agent's handshake timeout.
  const dbUrl = databaseUrlOf(db);
  const upgradeDb = dbUrl ? createDb(dbUrl, { poolMax: UPGRADE_DB_CONNECTIONS }) : null;
  // Set below; the writer asks the gateway whom it heard from.
  let gateway!: AgentGateway;
  const livenessWriter = new LivenessWriter({
    db,
    log,
    heardSince: (since) => gateway.heardSince(since),
    // Often enough that lastSeenAt lags by a fraction of the offline threshold.
    intervalMs: Math.min(2_000, Math.max(50, Math.floor(offlineAfterMs / 5))),
  });
  gateway = new AgentGateway(
    {
      db,
      events,
      log,
      heartbeatIntervalMs,
      helloTimeoutMs: 10_000,
      jobs,
      stores,
      liveness: livenessWriter,
      maxBufferedBytes: options.agentMaxBufferedBytes,
    },
    { processId, processDeadAfterMs: PROCESS_DEAD_AFTER_MS },
    { connectingMax: options.agentsConnectingMax, upgradeDb: upgradeDb ?? undefined },
  );
  const limits = createRateLimits(db, options.rateLimits);
  const outage = createDatabaseOutageGuard({ db, log });
  let access: ReturnType<typeof createHttpAccess> | null = null;

  let handleNext: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  /**
   * Next attaches its upgrade listener (dev HMR) to `httpServer` on the first request. It gets
   * this stand-in instead of the real server, so it never sees `/agent` upgrades (it would end
   * them as unmatched routes); the real server forwards every other upgrade to it.
   */
  const nextUpgrades = new EventEmitter();
  let nextReady: Promise<void> | null = null;
  const nextSockets = new Set<import("node:stream").Duplex>();

  // Set once the port is known (the installer tells hosts this control plane's URL).
  let hostInstalls!: ReturnType<typeof createHostInstallHandler>;
  const handleRequest = (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(req, res, dev);
    const refusal = refuseRequest(req, host);
    if (refusal) {
      log("warn", "request refused", { url: req.url, host: req.headers.host, status: refusal.status, reason: refusal.message });
      // Close the connection: an unread body (a 413's) must not be read to keep the socket alive.
      res
        .writeHead(refusal.status, { "content-type": "application/json", connection: "close" })
        .end(JSON.stringify({ error: refusal.message }));
      return;
    }
    boundChunkedBody(req, res, bodyLimitFor(pathOf(req)!), () =>
      log("warn", "request refused", { url: req.url, status: 413, reason: "chunked body over the limit" }),
    );
    // Scrapers are not users: /metrics has its own optional bearer token (VFLEET_METRICS_TOKEN).
    if (req.method === "GET" && pathOf(req) === METRICS_PATH) return metrics.serve(req, res);
    // The event stream stays open for as long as a page does: not a latency.
    if (!(req.method === "GET" && pathOf(req) === EVENTS_PATH)) metrics.observeHttp(req, res, pathOf(req)!);
    outage.guard(
      req,
      res,
      () =>
        void (async () => {
          try {
            await nextReady;
            if ((await access!(req, res)) === "done") return;
            if (req.method === "GET" && pathOf(req) === EVENTS_PATH)
              return serveEvents(req, res, events, { stillValid: () => identityStillValid(req, { db, auth }) });
            // The SSH installer's API lives in this server (node-ssh stays out of Next's bundle); its paths have no
            // rule in ACCESS_RULES, so only an admin reaches here.
            if (hostInstalls.handle(req, res, pathOf(req)!)) return;
            await handleNext!(req, res);
          } catch (err) {
            log("error", "request failed", { url: req.url, error: err instanceof Error ? err.message : String(err) });
            if (!res.headersSent) res.writeHead(500).end("internal error");
          }
        })(),
    );
  };
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handleRequest)
    : createServer(handleRequest);
  server.on("upgrade", (req: IncomingMessage, socket, head: Buffer) => {
    socket.on("error", () => {});
    if (pathOf(req) === AGENT_PATH) return void gateway.handleUpgrade(req, socket, head);
    // Everything else (the dev server's HMR socket) belongs to Next.
    if (!nextUpgrades.listenerCount("upgrade")) return void socket.destroy();
    // Upgraded sockets leave the HTTP server's bookkeeping: track them or close() waits forever.
    nextSockets.add(socket);
    socket.once("close", () => nextSockets.delete(socket));
    nextUpgrades.emit("upgrade", req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Thousands of agents reconnect at once after a restart or a network blip. Node's default
    // backlog (511) overflows then, the kernel drops their SYNs and each retries after 1, 3, 7,
    // 15 s: a connect storm measured 110 s instead of 60. The kernel caps this at
    // net.core.somaxconn (4096 on current kernels; see docs/operating/several-processes.md).
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${options.tls ? "https" : "http"}://${urlHost}:${address.port}`;

  // On loopback, a browser may call the server 127.0.0.1, localhost or [::1] (the request guard serves all three).
  const loopbackOrigins = options.publicUrl
    ? []
    : ["localhost", "[::1]", "127.0.0.1"].map((name) => `${url.split("://")[0]}://${name}:${address.port}`);
  const auth = createAuth({
    db,
    secret: options.authSecret,
    baseUrl: options.publicUrl ?? url,
    trustedOrigins: loopbackOrigins,
    sessionTtlSec: options.sessionTtlSec,
  });
  // Seals the identity header for Next's pages and handlers; new per process, never leaves it.
  const identityKey = randomBytes(32);
  access = createHttpAccess({ db, auth, limits, log, identityKey });
  hostInstalls = createHostInstallHandler(hostInstallDefaults(db, url, options.hostInstall));
  setControlPlaneContext({
    db,
    identityKey,
    events,
    queries: {
      listHosts,
      listHostsPage,
      fleetTotals,
      getHost,
      getPlanTarget,
      readFleetHealth,
      createEnrollmentToken,
      redeemEnrollmentToken,
      createJobs,
      cancelJob,
      abandonJob,
      findMacUsers,
      readHostBasis,
      listGuestsDefinedByVfleet,
      listJobs,
      listJobsPage,
      getJob,
      getPlan,
      listAuditEvents,
      listAuditPage,
      loadPlacementHosts,
      loadPoolSummaries,
      findRankedCandidateHosts,
      readCandidateVersion,
      findHostIds,
      listUsedMacs,
      savePool,
      listPools,
      getPool,
      createJobGroup,
      savePlacementPreview,
      readPlacementPreview,
      dropPlacementPreview,
      setHostLabels,
      getHostLabels,
      setHostMaintenance,
      findHostIdsByLabels,
      listHostReservations,
      listMaintenanceHosts,
      setDeviceQuarantine,
      listDeviceQuarantines,
      listDeviceHealth,
      listAssignments,
      adoptAssignments,
      listAssignmentEvents,
      getHostLiveness,
      readCapacityHistory,
      claimIdempotencyKey,
      saveIdempotentAnswer,
      releaseIdempotencyKey,
      renewIdempotencyClaim,
    },
    jobs: { kick: (hostId) => jobs.kick(hostId) },
    identity: { createUser, listUsers, updateUser, deleteUser, createApiToken, listApiTokens, revokeApiToken },
    agents: {
      async revokeHost(hostId) {
        const { revoked } = await revokeAgentCredentials(db, hostId);
        return { revoked, disconnected: gateway.closeRevoked(hostId) };
      },
      async removeHost(hostId, actor) {
        const removed = await removeHost(db, { hostId, actor });
        return removed && { ...removed, disconnected: gateway.closeRevoked(hostId) };
      },
    },
  });

  const app = next({ dev, dir: WEB_DIR, hostname: address.address, port: address.port, httpServer: nextUpgrades as Server, quiet: !dev });
  nextReady = app.prepare();
  try {
    await nextReady;
  } catch (err) {
    server.close();
    throw err;
  }
  handleNext = app.getRequestHandler();

  const liveness = setInterval(() => gateway.checkLiveness(), heartbeatIntervalMs);
  const sweeper = startOfflineSweeper({
    db,
    events,
    log,
    offlineAfterMs,
    // Sweep often enough that a vanished host is offline within offlineAfterMs + 5 s.
    intervalMs: Math.min(5_000, Math.max(100, Math.floor(offlineAfterMs / 5))),
    onOffline: (hostIds) => {
      gateway.dropHosts(hostIds);
      for (const hostId of hostIds)
        livenessWriter.event({
          hostId,
          action: "host.offline",
          summary: `agent silent for more than ${offlineAfterMs / 1000} s: marked offline`,
          after: { silentMs: offlineAfterMs },
        });
    },
  });
  log("info", "control plane listening", { url, agent: url.replace(/^http/, "ws") + AGENT_PATH, dev, processId });

  let closing: Promise<void> | null = null;
  return {
    url,
    events,
    disconnectAgent: (hostId) => gateway.disconnectHost(hostId),
    hostInstalls,
    close() {
      closing ??= (async () => {
        clearInterval(liveness);
        await sweeper.stop();
        await gateway.close();
        await upgradeDb?.$disconnect();
        await stores.drained();
        await livenessWriter.stop();
        await jobs.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections(); // SSE streams and keep-alive sockets would hold close() open
        for (const socket of nextSockets) socket.destroy();
        await closed;
        await app.close();
        await limits.close();
        setControlPlaneContext(undefined);
      })();
      return closing;
    },
  };
}
