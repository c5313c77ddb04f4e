import { defineModule } from '../../core/module-contract.js';
import { interpolate } from '../../core/interpolate.js';

export interface LinkConfig {
  readonly text?: string;
  readonly label: string;
  /** http(s) URL opened in a new tab. */
  readonly url: string;
  /** When set, the flow waits for this button before going on; otherwise it goes on at once. */
  readonly continueLabel?: string;
}

/** An external link button. */
export const linkModule = defineModule<LinkConfig>({
  id: 'link',
  title: 'Link',
  description: 'Shows a link button that opens a page in a new tab, and can wait for the participant to continue.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['label', 'url'],
    properties: {
      text: { title: 'Text', description: 'Shown above the link; {{variable}} placeholders work.', type: 'string', minLength: 1, maxLength: 4000 },
      label: { title: 'Link label', description: 'What the link button says.', type: 'string', minLength: 1, maxLength: 200 },
      url: { title: 'Address', description: 'An http(s) address, opened in a new tab.', type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
      continueLabel: { title: 'Continue button', description: 'When set, the flow waits for this button before going on; otherwise it goes on at once.', type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  tables: {},
  // With a continue button it waits for the click; without, it shows the link and goes on.
  waits: (config) => config.continueLabel !== undefined,
  async handleStep(input, ctx) {
    const { config } = ctx;
    if (input.kind === 'reply') return { type: 'next', messages: [] };
    const messages = [
      ...(config.text ? [{ kind: 'text' as const, text: interpolate(config.text, ctx.variables.all()) }] : []),
      { kind: 'link' as const, label: config.label, url: config.url },
    ];
    if (!config.continueLabel) return { type: 'next', messages };
    return { type: 'await', messages, input: { kind: 'choice', options: [{ id: 'continue', label: config.continueLabel }] } };
  },
});
