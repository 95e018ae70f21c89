import http from 'node:http';
import { UsageError } from '../errors.js';

/**
 * Serve `render()` as Prometheus text at 127.0.0.1:port/metrics. A port that is taken (or not
 * allowed) is a UsageError naming `flag`, raised before the caller connects to anything.
 */
export function servePrometheus(port: number, flag: string, render: () => string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(render());
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : err.code === 'EACCES' ? 'needs privileges this process lacks' : `cannot be served (${err.message})`;
      reject(new UsageError(`${flag} ${port}: 127.0.0.1:${port} ${why}`, 'pick a free port, or stop what listens there'));
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
