/**
 * The page's credential: a short-lived browser token, never an API key. It comes from the
 * URL's fragment (`#token=…`, put there by the application that opens the page; taken out of
 * the address bar at once), or on the local stack from its dev-token route, which the page
 * asks again shortly before the token expires.
 */
import type { PageConfig } from './config.js';

interface Held {
  token: string;
  expiresAt: number;
}

const RENEW_BEFORE_MS = 60_000;

export class TokenSource {
  private held: Held | undefined;
  private pending: Promise<Held> | undefined;

  constructor(private readonly config: PageConfig) {
    const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
    if (fromFragment) {
      this.held = { token: fromFragment, expiresAt: expiryOf(fromFragment) };
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  /**
   * A token valid for at least another minute where one can be had. A deployed page's token
   * (from the fragment) cannot be renewed here: once it expired, a TokenUnavailableError.
   */
  async get(): Promise<string> {
    if (this.held && this.held.expiresAt - Date.now() > RENEW_BEFORE_MS) return this.held.token;
    if (!this.config.tokenUrl) {
      if (this.held && this.held.expiresAt > Date.now()) return this.held.token;
      throw new TokenUnavailableError(
        this.held
          ? 'Your access to this page expired: open it again from the application that opened it.'
          : 'No token: open this page from the application that embeds it (with #token=…).',
      );
    }
    this.pending ??= this.fetchToken(this.config.tokenUrl).finally(() => {
      this.pending = undefined;
    });
    this.held = await this.pending;
    return this.held.token;
  }

  private async fetchToken(url: string): Promise<Held> {
    // The page uploads and runs jobs: a `run` token of the dev environment.
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'run' }),
    });
    if (!response.ok) throw new Error(`The dev token route answered ${response.status}.`);
    const { data } = (await response.json()) as { data: { token: string; expiresAt: string } };
    return { token: data.token, expiresAt: Date.parse(data.expiresAt) };
  }
}

/** A JWT's `exp`, read without checking it (the server checks); far away when unreadable. */
function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: number;
    };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** No token can be had: the page must be opened again by the application that embeds it. */
export class TokenUnavailableError extends Error {
  override name = 'TokenUnavailableError';
}
