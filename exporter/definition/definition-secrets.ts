/** Destination settings that are credentials: stored encrypted, never returned by the API. */
export const SECRET_KEYS = ['password', 'privateKey', 'passphrase', 'secretAccessKey', 'serviceAccountJson'] as const;

type Destination = Readonly<Record<string, unknown>>;

/** Splits a destination into what may be shown and the credentials to seal. */
export function splitSecrets(destination: Destination | undefined): { visible: Destination | undefined; secrets: Record<string, unknown> | null } {
  if (!destination) return { visible: undefined, secrets: null };
  const visible: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(destination)) {
    if ((SECRET_KEYS as readonly string[]).includes(key)) secrets[key] = value;
    else visible[key] = value;
  }
  return { visible, secrets: Object.keys(secrets).length > 0 ? secrets : null };
}

/** The destination as the API shows it: credentials replaced by `"<key>Set": true`. */
export function redactedDestination(visible: Destination | undefined, secretKeys: readonly string[]): Destination | undefined {
  if (!visible) return undefined;
  return { ...visible, ...Object.fromEntries(secretKeys.map((key) => [`${key}Set`, true])) };
}

/** The full destination for a run: visible settings joined with the decrypted credentials. */
export function joinSecrets(visible: Destination | undefined, secrets: Record<string, unknown> | null): Destination | undefined {
  return visible ? { ...visible, ...secrets } : undefined;
}

/**
 * The destination a replacement saves: credentials it leaves out keep their stored values (they
 * are write-only), unless it changes the destination kind or sends credentials of its own (then
 * those replace the stored set, e.g. a private key instead of a password).
 */
export function keepStoredSecrets(destination: Destination, stored: { readonly kind: unknown; readonly secrets: Record<string, unknown> | null } | undefined): Destination {
  if (!stored?.secrets || destination.kind !== stored.kind) return destination;
  if (SECRET_KEYS.some((key) => destination[key] !== undefined)) return destination;
  return { ...stored.secrets, ...destination };
}
