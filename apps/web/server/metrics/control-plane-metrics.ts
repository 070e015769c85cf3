import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "@vfleet/db";
import type { Log } from "../logger.ts";
import { methodLabel, routeLabel } from "./route-label.ts";

export interface ControlPlaneMetrics {
  registry: Registry;
  /** Wraps the control plane's log: its structured events (snapshot received, job dispatched/finished) drive the counters. */
  observeLog(log: Log): Log;
  /** Times one HTTP request by route; call when it arrives. */
  observeHttp(req: IncomingMessage, res: ServerResponse, path: string): void;
  /** Serves `GET /metrics`; a bearer token is required when one is configured. */
  serve(req: IncomingMessage, res: ServerResponse): void;
}

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Prometheus metrics (prom-client). Counters and histograms follow events as they happen; gauges
 * that are facts of the database (agents connected, jobs by kind and state) are read at scrape
 * time, so they are right after a restart and across several control planes.
 */
export function createControlPlaneMetrics(db: Db, options: { token?: string } = {}): ControlPlaneMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "vfleet_process_" });

  new Gauge({
    name: "vfleet_agents_connected",
    help: "Hosts whose agent is connected (online)",
    registers: [registry],
    async collect() {
      this.set(await db.host.count({ where: { online: true } }));
    },
  });
  // Alert on this: a host whose agent credential two live agents used (a copied or stolen one), until an admin revokes it.
  new Gauge({
    name: "vfleet_hosts_credential_conflict",
    help: "Hosts flagged because a second live connection with their agent credential was refused",
    registers: [registry],
    async collect() {
      this.set(await db.host.count({ where: { credentialConflictAt: { not: null } } }));
    },
  });
  new Gauge({
    name: "vfleet_hosts_maintenance",
    help: "Hosts an operator put in maintenance (the scheduler places nothing on them)",
    registers: [registry],
    async collect() {
      this.set(await db.host.count({ where: { removedAt: null, maintenanceAt: { not: null } } }));
    },
  });
  // Alert on this: devices and VFs out of service (placement never gives them) and devices whose AER counters degrade.
  const byHost = async (g: Gauge, rows: { hostId: string; _count: { _all: number } }[]) => {
    g.reset();
    const names = await db.host.findMany({ where: { id: { in: rows.map((r) => r.hostId) } }, select: { id: true, name: true } });
    for (const r of rows) g.set({ host: names.find((n) => n.id === r.hostId)?.name ?? r.hostId }, r._count._all);
  };
  new Gauge({
    name: "vfleet_devices_quarantined",
    help: "Devices and VFs quarantined (by an operator, or by device health on their AER counters), by host",
    labelNames: ["host"],
    registers: [registry],
    async collect() {
      const rows = await db.deviceQuarantine.groupBy({ by: ["hostId"], _count: { _all: true } });
      await byHost(this, rows);
    },
  });
  new Gauge({
    name: "vfleet_devices_degraded",
    help: "Devices whose AER counters reached the degraded limits (still placed), by host",
    labelNames: ["host"],
    registers: [registry],
    async collect() {
      const rows = await db.deviceHealth.groupBy({ by: ["hostId"], where: { state: "degraded" }, _count: { _all: true } });
      await byHost(this, rows);
    },
  });
  new Gauge({
    name: "vfleet_jobs",
    help: "Jobs by kind and state",
    labelNames: ["kind", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.job.groupBy({ by: ["kind", "state"], _count: { _all: true } });
      for (const r of rows) this.set({ kind: r.kind, state: r.state }, r._count._all);
    },
  });
  // Share of wall time the event loop was busy since the previous scrape (a process at scale should stay under half busy).
  let eluSince = performance.eventLoopUtilization();
  new Gauge({
    name: "vfleet_event_loop_utilization",
    help: "Share of time the event loop was busy since the previous scrape (0-1)",
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, eluSince).utilization);
      eluSince = now;
    },
  });
  const snapshotsReceived = new Counter({
    name: "vfleet_snapshots_received_total",
    help: "Inventory snapshots received from agents",
    registers: [registry],
  });
  const snapshotsStored = new Counter({
    name: "vfleet_snapshots_stored_total",
    help: "Snapshots whose content changed and were written",
    registers: [registry],
  });
  const storeSeconds = new Histogram({
    name: "vfleet_snapshot_store_seconds",
    help: "Time to store a snapshot (an unchanged one only touches lastSeenAt)",
    labelNames: ["stored"],
    buckets: SECONDS,
    registers: [registry],
  });
  const jobsFinished = new Counter({
    name: "vfleet_jobs_finished_total",
    help: "Job results recorded, by kind and status",
    labelNames: ["kind", "status"],
    registers: [registry],
  });
  const dispatchToResult = new Histogram({
    name: "vfleet_job_dispatch_to_result_seconds",
    help: "From sending job.dispatch to recording its result",
    labelNames: ["kind"],
    buckets: SECONDS,
    registers: [registry],
  });
  const planSeconds = new Histogram({
    name: "vfleet_plan_duration_seconds",
    help: "From a plan's creation to its end",
    labelNames: ["outcome"],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    registers: [registry],
  });
  const credentialConflicts = new Counter({
    name: "vfleet_agent_credential_conflicts_total",
    help: "Agent connections refused because another live connection held the same credential (4423)",
    registers: [registry],
  });
  const agentsToldToWait = new Counter({
    name: "vfleet_agents_told_to_wait_total",
    help: "Agent upgrades answered 503 + Retry-After because the control plane was busy connecting other agents",
    registers: [registry],
  });
  const httpSeconds = new Histogram({
    name: "vfleet_http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["method", "route", "status"],
    buckets: SECONDS,
    registers: [registry],
  });

  /** job id -> dispatch time and kind, until its result. */
  const dispatched = new Map<string, { at: number; kind: string }>();
  /** Plans whose end was already observed. */
  let plansSince = new Date();
  const observePlans = async () => {
    const until = new Date();
    const plans = await db.plan.findMany({
      where: { finishedAt: { gt: plansSince, lte: until } },
      select: { createdAt: true, finishedAt: true, stopReason: true },
    });
    plansSince = until;
    for (const p of plans)
      planSeconds.observe({ outcome: p.stopReason ? "stopped" : "succeeded" }, (p.finishedAt!.getTime() - p.createdAt.getTime()) / 1000);
  };

  return {
    registry,
    observeLog:
      (log) =>
      (level, message, fields = {}) => {
        if (message === "snapshot received") {
          snapshotsReceived.inc();
          if (fields.stored) snapshotsStored.inc();
          if (typeof fields.storeMs === "number") storeSeconds.observe({ stored: String(Boolean(fields.stored)) }, fields.storeMs / 1000);
        } else if (message === "agent credential conflict") {
          credentialConflicts.inc();
        } else if (message === "agents told to wait" && typeof fields.count === "number") {
          agentsToldToWait.inc(fields.count);
        } else if (message === "job dispatched" && fields.sent !== false) {
          dispatched.set(String(fields.jobId), { at: performance.now(), kind: String(fields.kind) });
        } else if (message === "job finished") {
          const d = dispatched.get(String(fields.jobId));
          dispatched.delete(String(fields.jobId));
          jobsFinished.inc({ kind: d?.kind ?? "unknown", status: String(fields.status) });
          if (d) dispatchToResult.observe({ kind: d.kind }, (performance.now() - d.at) / 1000);
        }
        log(level, message, fields);
      },
    observeHttp(req, res, path) {
      const end = httpSeconds.startTimer();
      res.once("finish", () =>
        end({ method: methodLabel(req.method), route: routeLabel(req.method ?? "GET", path), status: String(res.statusCode) }),
      );
    },
    serve(req, res) {
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
        res
          .writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" })
          .end("metrics need Authorization: Bearer <VFLEET_METRICS_TOKEN>\n");
        return;
      }
      void (async () => {
        await observePlans();
        const text = await registry.metrics();
        res.writeHead(200, { "content-type": registry.contentType }).end(text);
      })().catch((err: unknown) => {
        if (!res.headersSent)
          res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      });
    },
  };
}
