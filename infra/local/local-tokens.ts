/**
 * `POST /local/tokens` (shared/http/public-routes.ts): the local stack mints its page a token
 * of the dev environment, as a team's server would with its API key, so that the page never
 * holds the key. It answers only a caller on this machine that is no other site's page:
 *
 * - the connection comes from a loopback address (not from the network);
 * - the `Host` is a loopback name, so a site that rebinds its DNS name to 127.0.0.1 is
 *   refused (its pages send their own name as `Host`);
 * - an `Origin`, when a browser sends one, is this very host: a page of another site that
 *   POSTs here cross-origin is refused before anything is minted.
 */
import type { IncomingMessage } from 'node:http';

/** What of a request decides: where the connection comes from, and the `Host` and `Origin` it names. */
export interface TokenCaller {
  remoteAddress: string;
  host: string;
  origin?: string;
}

export function callerOf(req: IncomingMessage): TokenCaller {
  return {
    remoteAddress: req.socket.remoteAddress ?? '',
    host: req.headers.host ?? '',
    ...(req.headers.origin === undefined ? {} : { origin: req.headers.origin }),
  };
}

const LOOPBACK_ADDRESS = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

/** Why the caller may not have a dev token, or undefined when it may. */
export function loopbackRefusal({ remoteAddress, host, origin }: TokenCaller): string | undefined {
  if (!LOOPBACK_ADDRESS.test(remoteAddress)) {
    return 'POST /local/tokens answers callers on this machine only; elsewhere, mint tokens from your server with the API key (POST /tokens).';
  }
  if (!LOOPBACK_HOST.test(host)) {
    return `POST /local/tokens answers requests to localhost, 127.0.0.1 or [::1] only, not to "${host.slice(0, 100)}".`;
  }
  if (origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`) {
    return `POST /local/tokens answers pages of http://${host} only, not of ${origin.slice(0, 100)}.`;
  }
  return undefined;
}
