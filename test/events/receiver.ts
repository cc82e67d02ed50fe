/** A webhook receiver on 127.0.0.1 for tests: records every request and answers as told. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../helpers/wait.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** ms since the receiver started */
  at: number;
}

/** `status` for an answer, `'drop'` to cut the connection (a network error), `'hang'` to never answer. */
export type Answer = number | 'drop' | 'hang';

export async function startReceiver(answer: (request: ReceivedRequest, index: number) => Answer = () => 204) {
  const started = performance.now();
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: performance.now() - started,
    };
    requests.push(request);
    const reply = answer(request, requests.length - 1);
    if (reply === 'drop') req.socket.destroy();
    else if (reply !== 'hang') res.writeHead(reply).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    /** Waits until `what(requests)` (by default, how many arrived) reaches `count`. */
    async waitFor(
      count: number,
      what: (requests: ReceivedRequest[]) => number = (all) => all.length,
      timeoutMs = 20_000,
    ) {
      await waitFor(
        `${count} requests at the receiver`,
        () => what(requests),
        (n) => n >= count,
        {
          timeoutMs,
          intervalMs: 20,
        },
      );
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
