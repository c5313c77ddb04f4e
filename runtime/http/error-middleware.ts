import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ParleyError, toParleyError } from '../../core/errors.js';
import type { Logger } from '../logger.js';
import { databaseUnavailable } from '../../storage/database-errors.js';

/** Errors thrown by express's own parsers, mapped to Parley codes. */
function fromExpress(error: { type?: string; status?: number }): ParleyError | undefined {
  if (error instanceof ParleyError) return undefined;
  if (error.type === 'entity.too.large') return new ParleyError('payload_too_large', 'Request body is too large');
  if (error.type === 'entity.parse.failed') return new ParleyError('bad_request', 'Request body is not valid JSON');
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    return new ParleyError('bad_request', 'Unsupported request encoding');
  }
  // The router's own refusals, e.g. a path parameter that is not valid percent-encoded UTF-8.
  if (error.status === 400) return new ParleyError('bad_request', 'Malformed request');
  return undefined;
}

/** The last middleware: every error becomes `{"error":{code,message,path}}`, never a stack trace. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const parleyError = fromExpress(error) ?? databaseUnavailable(error) ?? toParleyError(error);
    if (parleyError.code === 'internal') logger.error({ err: error }, 'unhandled error');
    res.status(parleyError.status).json({ error: parleyError.toBody() });
  };
}

/** 404 for any route nobody answered. */
export const notFoundMiddleware: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: 'No such route' } });
};
