import pg from "pg";

export const JOB_CHANNEL = "vfleet_jobs";

export interface JobListener {
  close(): Promise<void>;
}

/**
 * LISTEN on `vfleet_jobs` (the Job table's trigger notifies it with a host id at the commit of
 * every change that may make a job deliverable). One connection of its own, outside the pool: a
 * pooled connection is handed to other queries between uses and would lose the LISTEN.
 * Reconnects with backoff when the connection drops; `onReconnect` then runs, since
 * notifications sent while it was away are lost.
 */
export async function listenForJobChanges(
  url: string,
  handlers: { onHost: (hostId: string) => void; onReconnect: () => void; onError: (message: string) => void },
): Promise<JobListener> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (first: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on("notification", (msg) => {
      if (msg.payload) handlers.onHost(msg.payload);
    });
    const lost = (why: string) => {
      if (client !== c || closed) return;
      client = null;
      handlers.onError(why);
      c.end().catch(() => {});
      const delay = Math.min(10_000, 250 * 2 ** failures++);
      retry = setTimeout(() => void connect(false), delay);
    };
    c.on("error", (err) => lost(err.message));
    c.on("end", () => lost("connection ended"));
    try {
      await c.connect();
      await c.query(`LISTEN ${JOB_CHANNEL}`);
      failures = 0;
      if (!first) handlers.onReconnect();
    } catch (err) {
      if (first) {
        client = null;
        await c.end().catch(() => {});
        throw err;
      }
      lost(err instanceof Error ? err.message : String(err));
    }
  };

  await connect(true);
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
