/**
 * The JSON Schema properties of a link to the full terms (its http(s) address and label), the
 * same wherever a module shows one; `shown` says where the link appears and what it leads to.
 */
export function termsLinkSchemaProperties(shown: string) {
  return {
    termsUrl: { title: 'Terms address', description: `An http(s) link to ${shown}.`, type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
    termsLabel: { title: 'Terms link label', description: 'What the terms link says.', type: 'string', minLength: 1, maxLength: 200 },
  } as const;
}
