import { createServer, connect, type Socket, type AddressInfo } from "node:net";

export interface Proxy {
  url: string;
  /** Connections handed to each backend, by "host:port". */
  picks: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A TCP round-robin balancer, what HAProxy in `mode tcp` does for the agents: each client
 * connection goes to the next backend; a backend that refuses the connection is skipped (the
 * next one is tried), so a killed control-plane process stops receiving agents at once.
 */
export async function startRoundRobinProxy(backends: readonly { host: string; port: number }[]): Promise<Proxy> {
  let next = 0;
  const picks = new Map<string, number>();
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    return s;
  };
  const server = createServer((client) => {
    track(client);
    client.pause();
    const tryBackend = (left: number) => {
      if (left === 0) return void client.destroy();
      const b = backends[next++ % backends.length]!;
      const upstream = track(connect(b.port, b.host));
      let connected = false;
      upstream.on("error", () => (connected ? client.destroy() : tryBackend(left - 1)));
      upstream.once("connect", () => {
        connected = true;
        picks.set(`${b.host}:${b.port}`, (picks.get(`${b.host}:${b.port}`) ?? 0) + 1);
        client.on("error", () => upstream.destroy());
        upstream.once("close", () => client.destroy());
        client.once("close", () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryBackend(backends.length);
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 8192 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/agent`,
    picks,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
