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
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    properties: { text: { type: 'string', minLength: 1, maxLength: 4000 } },
  },
  tables: {},
  async handleStep(_input, ctx) {
    return { type: 'next', messages: [{ kind: 'text', text: interpolate(ctx.config.text, ctx.variables.all()) }] };
  },
});
