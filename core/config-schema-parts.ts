import { HOST_VARIABLE_NAME } from './chat-protocol.js';

/** JSON Schema parts that module configs share, so every step form says the same. */

/** A step's id, as a flow document gives it and as a branch names the step it leads to. */
export const STEP_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

/** A step a branch leads to (a choice's option, a full card, a failed quiz): checked against the flow's steps when it is saved. */
export const STEP_REFERENCE = { type: 'string', pattern: STEP_ID_PATTERN } as const;

/** A session variable's name, as `{{name}}` placeholders and host pages write it. */
export const VARIABLE_NAME = { type: 'string', pattern: HOST_VARIABLE_NAME.source } as const;

/** Something the bot says or asks. */
export const BOT_TEXT = { type: 'string', minLength: 1, maxLength: 4000 } as const;

/** A step's question. */
export const QUESTION = { ...BOT_TEXT, title: 'Question', description: 'What the bot asks; {{variable}} placeholders work.' } as const;

/** The session variable that receives a step's answer: `receives` says what it holds and where it is stored. */
export function answerVariable(receives: string) {
  return { ...VARIABLE_NAME, title: 'Variable', description: `Session variable that receives ${receives}` } as const;
}

/**
 * A list a step form edits item by item (a choice's options, a quiz's questions, a condition's
 * rules): `min` to `max` objects with these properties and no other, the `required` ones present.
 */
export function listOf(
  title: string,
  description: string,
  count: { readonly min: number; readonly max: number },
  item: { readonly required: readonly string[]; readonly properties: Readonly<Record<string, unknown>> },
) {
  return {
    title,
    description,
    type: 'array',
    minItems: count.min,
    maxItems: count.max,
    items: { type: 'object', additionalProperties: false, required: item.required, properties: item.properties },
  } as const;
}
