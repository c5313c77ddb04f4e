import { defineModule } from '../../core/module-contract.js';
import { interpolate } from '../../core/interpolate.js';

export interface MessageConfig {
  /** Text with `{{variable}}` placeholders; always rendered as text. */
  readonly text: string;
}

/** Says something and moves on. */
export const messageModule = defineModule<MessageConfig>({
  id: 'message',
  title: 'Message',
  description: 'Says something and goes on to the next step.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    properties: { text: { title: 'Text', description: 'What the bot says; {{variable}} placeholders are replaced, and it is always shown as plain text.', type: 'string', minLength: 1, maxLength: 4000 } },
  },
  tables: {},
  async handleStep(_input, ctx) {
    return { type: 'next', messages: [{ kind: 'text', text: interpolate(ctx.config.text, ctx.variables.all()) }] };
  },
});
