import { pino, stdTimeFunctions } from "pino";

/** A log function: one line of text, and structured fields (a job's lines carry `jobId`). */
export type AgentLog = (line: string, fields?: Record<string, unknown>) => void;

/**
 * The daemon's log: one JSON object a line on stderr (journald keeps it under the unit), with
 * `msg`, ISO `time`, `level` and the fields given. Synchronous writes: a crash loses no line.
 */
export function createAgentLog(bindings: Record<string, unknown> = {}): AgentLog {
  const logger = pino(
    { base: { service: "vfleet-agent", ...bindings }, timestamp: stdTimeFunctions.isoTime },
    pino.destination({ fd: 2, sync: true }),
  );
  return (line, fields) => {
    if (/failed|refused|error/i.test(line)) logger.warn(fields ?? {}, line);
    else logger.info(fields ?? {}, line);
  };
}
