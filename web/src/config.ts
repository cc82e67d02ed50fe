/**
 * What the page needs to know about where it runs, from `config.json` beside it: the API's
 * URL ('' for the page's own origin), the push socket's URL, and — on the local stack only —
 * where the page gets a token for the dev environment. A deployed page is handed a token by
 * the application that embeds it, in the URL's fragment (`#token=…`), never an API key.
 */
export interface PageConfig {
  apiUrl: string;
  wsUrl: string;
  /** The local stack's dev-token route; absent on a deployed site. */
  tokenUrl?: string;
}

export async function loadConfig(): Promise<PageConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as Partial<PageConfig>;
  if (typeof config.apiUrl !== 'string' || typeof config.wsUrl !== 'string') {
    throw new Error('config.json must name apiUrl and wsUrl');
  }
  const wsUrl = new URL(config.wsUrl, location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : wsUrl.protocol === 'http:' ? 'ws:' : wsUrl.protocol;
  return {
    apiUrl: config.apiUrl.replace(/\/$/, ''),
    wsUrl: wsUrl.toString(),
    ...(config.tokenUrl ? { tokenUrl: config.tokenUrl } : {}),
  };
}
