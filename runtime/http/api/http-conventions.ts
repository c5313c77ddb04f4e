import type { RequestHandler } from 'express';
import { ParleyError } from '../../../core/errors.js';

/** True when the request carries body bytes (a positive Content-Length or a chunked body). */
function carriesBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length'] ?? 0);
  return Number.isFinite(length) && length > 0;
}

/** 415 for a request body that is not declared JSON (`application/json` or `application/*+json`). */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (carriesBody(req.headers) && !req.is(['application/json', 'application/*+json'])) {
    next(new ParleyError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'));
    return;
  }
  next();
};

/**
 * 415 for a streamed body that is not `mediaType` or names a charset other than UTF-8 (a
 * missing body counts as the wrong type: the route needs one).
 */
export function requireMediaType(mediaType: string): RequestHandler {
  return (req, _res, next) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (!req.is(mediaType) || (charset !== undefined && !/^utf-?8$/i.test(charset))) {
      next(new ParleyError('unsupported_media_type', `The request body must be ${mediaType} in UTF-8 (Content-Type: ${mediaType})`));
      return;
    }
    next();
  };
}

/**
 * The last handler of a known path: any method no route answers gets 405 with `Allow`
 * listing the ones it does (HEAD comes with GET; OPTIONS is left to express).
 */
export function methodNotAllowed(methods: readonly string[]): RequestHandler {
  const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].join(', ');
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    res.setHeader('Allow', allow);
    next(new ParleyError('method_not_allowed', 'This path does not answer this method'));
  };
}
