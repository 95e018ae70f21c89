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
  const reply = await redisCommand(port, ['PING'], { host });
  return reply !== null && (reply.ok ? reply.value === 'PONG' : reply.error.startsWith('NOAUTH'));
}

/** One RESP reply: a simple string, bulk string (null for a nil bulk) or integer, or an error. */
export type RespReply = { ok: true; value: string | number | null } | { ok: false; error: string };

/** A command as a RESP array of bulk strings. */
export function encodeRespCommand(args: string[]): Buffer {
  const parts = args.map((a) => {
    const b = Buffer.from(a);
    return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);
  });
  return Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...parts]);
}

/** The reply at the start of `buf`, or null while it is incomplete. Arrays are not read (no health check needs one). */
export function parseRespReply(buf: Buffer): RespReply | null {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) return null;
  const line = buf.subarray(1, eol).toString();
  switch (String.fromCharCode(buf[0]!)) {
    case '+':
      return { ok: true, value: line };
    case '-':
      return { ok: false, error: line };
    case ':':
      return { ok: true, value: Number(line) };
    case '$': {
      const len = Number(line);
      if (len < 0) return { ok: true, value: null };
      if (buf.length < eol + 2 + len + 2) return null;
      return { ok: true, value: buf.subarray(eol + 2, eol + 2 + len).toString() };
    }
    default:
      return { ok: false, error: `unexpected RESP reply type ${JSON.stringify(String.fromCharCode(buf[0]!))}` };
  }
}

/**
 * Send one command on a fresh connection and read its reply; null when nothing answers within
 * `timeoutMs` (refused, closed, or a frozen process that accepts but never replies). The stack's
 * health checks use this rather than a client that would retry and queue commands.
 */
export async function redisCommand(port: number, args: string[], opts: { host?: string; timeoutMs?: number } = {}): Promise<RespReply | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: opts.host ?? '127.0.0.1' });
    let received = Buffer.alloc(0);
    const done = (reply: RespReply | null) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(opts.timeoutMs ?? 2_000, () => done(null));
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
    socket.on('connect', () => socket.write(encodeRespCommand(args)));
    socket.on('data', (d) => {
      received = Buffer.concat([received, d]);
      const reply = parseRespReply(received);
      if (reply) done(reply);
    });
  });
}
