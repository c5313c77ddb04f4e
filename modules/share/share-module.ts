import { defineModule } from '../../core/module-contract.js';
import { answerVariable } from '../../core/config-schema-parts.js';
import { interpolate } from '../../core/interpolate.js';
import { SHARE_NETWORK_NAMES, SHARE_NETWORKS, shareUrl, type ShareNetwork } from './share-networks.js';

export interface ShareConfig {
  readonly text?: string;
  /** The http(s) page participants are asked to share (the operation's landing page). */
  readonly url: string;
  /** A suggested text for the networks that take one (X, WhatsApp). */
  readonly message?: string;
  /** One button per network, in this order. */
  readonly networks: readonly ShareNetwork[];
  /** Variable that receives the network shared on (default `shared_on`), stored as an answer. */
  readonly variable?: string;
  /** When set, a button that goes on without sharing; otherwise a share button is the only way on. */
  readonly skipLabel?: string;
}

const DEFAULT_VARIABLE = 'shared_on';
/** The reply of the button that goes on without sharing (no network has this id). */
const SKIP = 'skip';

const variableOf = (config: ShareConfig): string => config.variable ?? DEFAULT_VARIABLE;

/**
 * Share buttons: each opens the network's share page for the operation in a new tab and answers
 * the step with the network's id, which goes into a variable and the Variables table, so exports
 * can keep only participants who shared ("shared the operation on Facebook": a condition on
 * `form.shared_on`). A click is what the widget can see; whether the post was published is the
 * network's to know.
 */
export const shareModule = defineModule<ShareConfig>({
  id: 'share',
  title: 'Share',
  description: 'Offers buttons that share a page on social networks; the network chosen is kept in a variable, stored as an answer, so exports can keep participants who shared.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'networks'],
    properties: {
      text: { title: 'Text', description: 'Shown above the buttons; {{variable}} placeholders work.', type: 'string', minLength: 1, maxLength: 4000 },
      url: { title: 'Page to share', description: 'An http(s) address: the page participants share.', type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
      message: { title: 'Suggested text', description: 'Offered with the page on X and WhatsApp; the participant can change it.', type: 'string', minLength: 1, maxLength: 280 },
      networks: {
        title: 'Networks', description: 'One button per network, in this order.',
        type: 'array',
        minItems: 1,
        maxItems: SHARE_NETWORKS.length,
        uniqueItems: true,
        items: { type: 'string', oneOf: SHARE_NETWORKS.map((network) => ({ const: network, title: SHARE_NETWORK_NAMES[network] })) },
      },
      variable: answerVariable(`the network shared on (default ${DEFAULT_VARIABLE}); stored in Variables (encrypted) and offered to exports.`),
      skipLabel: { title: 'Skip button', description: 'When set, a button that goes on without sharing.', type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  tables: { variables: { retentionDays: 60, holds: 'Networks shared on' } },
  waits: () => true,
  // The network's id (facebook, x, …), and its name.
  fields: (config) => {
    const variable = variableOf(config);
    const source = { table: 'variables', key: variable, personal: true } as const;
    return [
      { key: variable, label: 'Shared on', type: 'text', source, values: SHARE_NETWORK_NAMES },
      // Every network's name, not only this step's: a row stays readable after a network is
      // dropped from the step, or when two share steps keep the same variable.
      { key: `${variable}_label`, label: 'Shared on (network name)', type: 'text', source, labels: SHARE_NETWORK_NAMES },
    ];
  },
  async handleStep(input, ctx) {
    const { config } = ctx;
    if (input.kind === 'enter') {
      const messages = config.text ? [{ kind: 'text' as const, text: interpolate(config.text, ctx.variables.all()) }] : [];
      const options = config.networks.map((network) => ({ id: network, label: SHARE_NETWORK_NAMES[network], url: shareUrl(network, config.url, config.message) }));
      return { type: 'await', messages, input: { kind: 'choice', options: config.skipLabel ? [...options, { id: SKIP, label: config.skipLabel }] : options } };
    }
    if (input.value === SKIP && config.skipLabel) return { type: 'next', messages: [] };
    const network = config.networks.find((n) => n === input.value);
    if (!network) return { type: 'invalid', error: { code: 'validation_failed', message: 'Please pick one of the buttons', path: '/value' } };
    const variable = variableOf(config);
    ctx.variables.set(variable, network);
    // Sealed like a choice's answer.
    await ctx.store.write('variables', { data: { variable }, personal: { [variable]: network } });
    return { type: 'next', messages: [] };
  },
});
