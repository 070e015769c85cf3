/** One structured log line. Tests pass their own to assert what was logged. */
export type Log = (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;

/** Default: JSON lines on stdout/stderr, greppable and machine-readable. */
export const jsonLog: Log = (level, message, fields) => {
  const line = JSON.stringify({ ts: new Date().toISOString(), level, msg: message, ...fields });
  if (level === "info") process.stdout.write(line + "\n");
  else process.stderr.write(line + "\n");
};
