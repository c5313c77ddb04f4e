/** A prize a step gives (an instant win's, a giveaway draw's): its id, title and description, as exports read them (`gift.*`). */
export interface DrawPrize {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
}

/** A prize as a winners row holds it (`prizeId`, `prizeTitle`, `prizeDescription`), where exports read the gift. */
export function prizeRowData(prize: DrawPrize | undefined): Record<string, string> {
  if (!prize) return {};
  return { prizeId: prize.id, prizeTitle: prize.title, ...(prize.description && { prizeDescription: prize.description }) };
}

/**
 * The JSON Schema properties of a prize (id, title, description), the same wherever a module
 * names one; `hints` words the id and title for the module (what the title is shown as, …).
 */
/**
 * The JSON Schema of one optional prize a step names (a giveaway's, a loyalty card's reward):
 * an object of `prizeSchemaProperties` needing its id and title.
 */
export function prizeSchema(about: { title: string; description: string; hints: { id: string; title: string } }) {
  return {
    title: about.title,
    description: about.description,
    type: 'object',
    additionalProperties: false,
    required: ['id', 'title'],
    properties: prizeSchemaProperties(about.hints),
  } as const;
}

export function prizeSchemaProperties(hints: { id: string; title: string }) {
  return {
    id: { title: 'Prize id', description: hints.id, type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
    title: { title: 'Prize title', description: hints.title, type: 'string', minLength: 1, maxLength: 200 },
    description: { title: 'Prize description', description: 'For your records and exports.', type: 'string', maxLength: 2000 },
  } as const;
}
