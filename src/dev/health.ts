import net from 'node:net';

/** True when the registry answers GET /subjects (it is then ready for the Confluent API). */
export async function registryAnswers(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  try {
    const res = await fetch(`${url}/subjects`, { headers, signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** True when Redis answers PING with PONG (any auth error also proves it is up). */
export async function redisAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}
