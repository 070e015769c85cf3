import { pino, stdTimeFunctions } from "pino";

/** One structured log line. Tests pass their own to assert what was logged. */
export type Log = (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;

const logger = pino({ base: { service: "vfleet-control-plane" }, timestamp: stdTimeFunctions.isoTime });

/**
 * Default: pino's JSON lines on stdout (level, ISO time, msg, and the fields: `hostId`, and
 * `jobId` on every line about a job), greppable and machine-readable.
 */
export const jsonLog: Log = (level, message, fields) => {
  logger[level](fields ?? {}, message);
};
