import { createKey, getKey, type KeyAdmin, listKeys, revokeKey, rotateKey } from '../../access/key-admin.js';
import { isKeyId } from '../../domain/api-keys.js';
import { KeyNotFoundError, ValidationError } from '../../domain/errors.js';
import {
  type AdminEvent,
  created,
  jsonBody,
  list,
  ok,
  optionalJson,
  pathParam,
  queryParams,
} from '../request.js';
import { CreateApiKeyBody, ListApiKeysQuery, RotateApiKeyBody } from '../schemas.js';

/** A credential in the answer: no cache on the way may keep it. */
const NO_STORE = { 'cache-control': 'no-store' };

/** The `{id}` of a key route; an id of another shape names no key (404, no lookup). */
function keyIdParam(event: AdminEvent): string {
  const id = pathParam(event, 'id');
  if (!isKeyId(id)) throw new KeyNotFoundError(id.length > 64 ? `${id.slice(0, 64)}…` : id);
  return id;
}

/** API keys of every environment, for administrators (docs/auth.md): the key itself only in the answer that creates it. */
export function adminKeyRoutes(admin: () => KeyAdmin) {
  return [
    {
      method: 'POST' as const,
      path: '/admin/keys',
      handler: async (event: AdminEvent) => {
        const body = jsonBody(event, CreateApiKeyBody);
        if (body.expiresAt !== undefined && Date.parse(body.expiresAt) <= admin().now().getTime()) {
          throw new ValidationError('The request body is not valid: expiresAt must be in the future.', {
            errors: [{ path: ['body', 'expiresAt'], detail: 'must be in the future' }],
          });
        }
        const key = await createKey(admin(), body);
        return created(key, `/admin/keys/${key.id}`, NO_STORE);
      },
    },
    {
      method: 'GET' as const,
      path: '/admin/keys',
      handler: async (event: AdminEvent) => {
        const { environmentId, limit, next } = queryParams(event, ListApiKeysQuery);
        const page = await listKeys(admin(), environmentId, { limit, ...(next ? { next } : {}) });
        return list(page.items, page.next);
      },
    },
    {
      method: 'GET' as const,
      path: '/admin/keys/{id}',
      handler: async (event: AdminEvent) => ok(await getKey(admin(), keyIdParam(event))),
    },
    {
      method: 'POST' as const,
      path: '/admin/keys/{id}/rotate',
      handler: async (event: AdminEvent) => {
        const id = keyIdParam(event);
        const { overlapSeconds } = optionalJson(event, RotateApiKeyBody);
        const rotated = await rotateKey(admin(), id, overlapSeconds);
        return created(rotated, `/admin/keys/${rotated.key.id}`, NO_STORE);
      },
    },
    {
      method: 'POST' as const,
      path: '/admin/keys/{id}/revoke',
      handler: async (event: AdminEvent) => ok(await revokeKey(admin(), keyIdParam(event))),
    },
  ];
}
