import { mintToken } from '../../access/mint.js';
import type { TokenSecret } from '../../ports.js';
import type { Services } from '../../services.js';
import { type ApiEvent, environmentOf, jsonBody, ok } from '../request.js';
import { CreateTokenBody } from '../schemas.js';

/** Browser tokens, minted by a server with the API key (docs/auth.md); a token cannot mint one (shared/access/policy.ts). */
export function tokenRoutes(services: () => Services, tokenSecret: TokenSecret) {
  return [
    {
      method: 'POST' as const,
      path: '/tokens',
      handler: async (event: ApiEvent) => {
        const body = jsonBody(event, CreateTokenBody);
        return ok(await mintToken(services(), tokenSecret, environmentOf(event), body), 200, {
          // A credential: no cache on the way may keep it (RFC 6749 §5.1 asks the same of token endpoints).
          'cache-control': 'no-store',
        });
      },
    },
  ];
}
