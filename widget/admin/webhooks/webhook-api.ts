import type { AdminApi } from '../api-client.js';

/** A webhook endpoint as `GET /api/v1/webhooks` shows it (its secret is never shown again). */
export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  readonly events: readonly string[];
  readonly includePersonal: boolean;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What an endpoint may be created or changed with. */
export interface WebhookInput {
  readonly url?: string;
  readonly description?: string;
  readonly events?: readonly string[];
  readonly includePersonal?: boolean;
  readonly enabled?: boolean;
}

/** One line of an endpoint's delivery log. */
export interface WebhookDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: 'pending' | 'retrying' | 'succeeded' | 'failed';
  readonly attempts: number;
  readonly responseStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly finishedAt: string | null;
}

const one = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

/** The webhook calls of the admin API, typed. */
export function webhookApi(api: AdminApi) {
  return Object.freeze({
    list: () => api.request<{ webhooks: Webhook[]; events: string[] }>('GET', '/webhooks'),
    create: (input: WebhookInput & { url: string; events: readonly string[] }) => api.request<{ webhook: Webhook; secret: string }>('POST', '/webhooks', input),
    update: (id: string, patch: WebhookInput) => api.request<Webhook>('PATCH', one(id), patch),
    remove: (id: string) => api.request<void>('DELETE', one(id)),
    deliveries: async (id: string) => (await api.request<{ deliveries: WebhookDelivery[] }>('GET', `${one(id)}/deliveries?limit=50`)).deliveries,
  });
}

export type WebhookApi = ReturnType<typeof webhookApi>;
