import { connect, createServer, type Socket } from 'node:net';

export interface FailoverProxy {
  url: string;
  /** Sends new connections to another backend port and cuts the current ones, as a load balancer does. */
  switchTo(port: number): void;
  close(): Promise<void>;
}

/** A plain TCP forwarder on loopback standing in for the load balancer in front of the instances. */
export function startFailoverProxy(backendPort: number): Promise<FailoverProxy> {
  let target = backendPort;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        switchTo(next) {
          target = next;
          for (const s of open) s.destroy();
        },
        close: () =>
          new Promise((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}
