import { Router } from 'express';
import { createRequire } from 'node:module';
import type { RouteDefinition } from './api-route.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { flowStepComponents } from './schemas/module-schemas.js';
import { webhookDeliveryDocument } from './schemas/webhook-delivery-schemas.js';
import { flowDocumentSchema } from '../../../core/flow-definition.js';
import type { ModuleDefinition } from '../../../core/module-contract.js';

const require = createRequire(import.meta.url);
const findVersion = (): string => {
  for (const candidate of ['../../../package.json', '../../../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // dist/ sits one level deeper than the sources
    }
  }
  return '0.0.0';
};

/** `GET /api/v1/openapi.json`, public, built once; flow steps are described per module (`FlowStep`), webhook deliveries under `webhooks`. */
export function openApiRoute(routes: readonly RouteDefinition[], modules: readonly ModuleDefinition[]): Router {
  const document = buildOpenApiDocument(routes, { version: findVersion() }, {
    components: flowStepComponents(modules),
    substitutions: new Map([[flowDocumentSchema.properties.steps.items, { $ref: '#/components/schemas/FlowStep' }]]),
    webhooks: webhookDeliveryDocument(),
  });
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
