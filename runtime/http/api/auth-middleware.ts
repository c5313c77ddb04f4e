import type { RequestHandler } from 'express';
import { ParleyError } from '../../../core/errors.js';
import { authenticateApiKey, type ApiKeyPrincipal } from '../../../storage/api-key-repository.js';
import type { Db } from '../../../storage/database.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: ApiKeyPrincipal;
  }
}

/**
 * `Authorization: Bearer <api key>`: unknown, revoked, expired or missing keys get 401 with the
 * `WWW-Authenticate: Bearer` challenge of RFC 6750 (`error="invalid_token"` when a key was sent;
 * an expired key is told so, in the message and the challenge's description).
 */
export function authMiddleware(db: Db): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? await authenticateApiKey(db, match[1]!) : undefined;
    if (principal === 'expired') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="parley", error="invalid_token", error_description="The API key expired"');
      next(new ParleyError('unauthorized', 'This API key has expired: ask the workspace for a new one'));
      return;
    }
    if (!principal) {
      res.setHeader('WWW-Authenticate', match ? 'Bearer realm="parley", error="invalid_token"' : 'Bearer realm="parley"');
      next(new ParleyError('unauthorized', 'A valid API key is required (Authorization: Bearer <key>)'));
      return;
    }
    req.principal = principal;
    next();
  };
}
