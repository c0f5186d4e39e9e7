// The console's HTTP server (no Lark credentials): /healthz and the board, on loopback only, so
// "npm start" then http://localhost:3000/board works with nothing configured.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import type { BoardHandler } from './routes.ts';

export interface LocalServer {
  port: number;
  close(): Promise<void>;
}

export async function startLocalServer(opts: {
  port: number;
  /** Default 127.0.0.1: the board has no login here, so it must not be reachable from other machines. */
  host?: string;
  board: BoardHandler;
  health: () => Promise<object>;
  logger: Logger;
}): Promise<LocalServer> {
  const log = opts.logger.child({ component: 'local-http' });
  const server = http.createServer((req, res) => {
    if (opts.board(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (path === '/healthz' && req.method === 'GET') {
      opts.health().then(
        (h) => json(200, h),
        (e: Error) => {
          log.error('health check failed', { err: e });
          json(503, { ok: false, error: e.message });
        },
      );
    } else if (path === '/') {
      res.writeHead(302, { location: '/board' });
      res.end();
    } else json(404, { error: 'not found' });
  });
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
