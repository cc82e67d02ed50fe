import { MethodNotAllowedError, PartwiseError } from '../domain/errors.js';

/** A route's path as a pattern, matched as the router matches it: `{name}` is one segment, `{proxy+}` the rest, a trailing `/` optional. */
function pathPattern(path: string): RegExp {
  const pattern = path
    .replace(/\/$/, '')
    .replace(/[.*?^$()|[\]\\]/g, '\\$&')
    .replace(/\/\{proxy\+\}$/, '/?.*')
    .replace(/\/\{[^/]+\}/g, '/[^/]+');
  return new RegExp(`^${pattern}/?$`);
}

/** The methods the routes take at `path`, in a stable order; none when no route has that path. */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set(routes.filter((route) => pathPattern(route.path).test(path)).map((r) => r.method));
  return [...methods].sort();
}

/**
 * The router's answer to a request no route takes: a 405 with the methods the path takes,
 * or a 404. OPTIONS is CORS preflight, answered before the API (by API Gateway or the
 * local gateway).
 */
export function routeNotFound(routes: readonly { method: string; path: string }[]) {
  return ({ method, path }: { method: string; path: string }): never => {
    const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
    const allow = allowedMethods(routes, path);
    if (allow.length > 0 && method !== 'OPTIONS') throw new MethodNotAllowedError(method, shown, allow);
    throw new PartwiseError(`There is no route ${method} ${shown}.`, 404, 'route-not-found');
  };
}
