import https from 'node:https';

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  text: string;
}

/**
 * One HTTP exchange with the registry. fetch normally; node:https when the context names a
 * private CA bundle (registry.ca), because Node's fetch takes no CA option without undici.
 */
export async function sendHttp(url: string, req: HttpRequest, ca?: Buffer): Promise<HttpResponse> {
  if (!ca) {
    const res = await fetch(url, { method: req.method, headers: req.headers, body: req.body ?? null, signal: req.signal });
    return { status: res.status, text: await res.text() };
  }
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: req.method, headers: req.headers, ca, signal: req.signal }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(req.body);
  });
}
