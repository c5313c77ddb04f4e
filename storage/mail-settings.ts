import { sql } from 'kysely';
import { inTransaction, type StoreContext } from './store-context.js';
import { ConfigError, ParleyError } from '../core/errors.js';
import { normalizeEmail } from '../core/email-address.js';

/** How the SMTP connection is protected: implicit TLS (465), required STARTTLS (587), or none (local relays). */
export type MailSecurity = 'tls' | 'starttls' | 'none';

/** A workspace's SMTP settings as owners see them: the password is never returned, only whether one is set. */
export interface MailSettingsView {
  readonly host: string;
  readonly port: number;
  readonly security: MailSecurity;
  readonly user?: string;
  readonly hasPassword: boolean;
  /** Sender address of the mails the workspace sends. */
  readonly from: string;
  readonly fromName?: string;
}

/** What a mailer needs to connect: the settings with the password decrypted (never stored or returned like this). */
export interface MailTransportSettings extends Omit<MailSettingsView, 'hasPassword'> {
  readonly password?: string;
}

/** A validated settings change. `password`: a new one, `null` to remove it, absent to keep the stored one. */
export interface MailSettingsInput extends Omit<MailSettingsView, 'hasPassword'> {
  readonly password?: string | null;
}

/** The shape kept in `workspaces.settings.mail`: the password sealed with the workspace key. */
interface StoredMailSettings extends Omit<MailSettingsView, 'hasPassword'> {
  readonly passwordSealed?: string;
}

const FIELDS = new Set(['host', 'port', 'security', 'user', 'password', 'from', 'fromName']);
const SECURITY: readonly MailSecurity[] = ['tls', 'starttls', 'none'];
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const ONE_LINE = /^[^\r\n\u0000]+$/;

function text(source: Record<string, unknown>, key: string, max: number, path: string): string | undefined {
  const value = source[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !ONE_LINE.test(value)) {
    throw new ConfigError(`${key} must be one line of 1 to ${max} characters`, `${path}/${key}`);
  }
  return value;
}

/**
 * Validates SMTP settings. Throws a ConfigError naming the first bad field (under `path`):
 * unknown field, host that is not a host name or IPv4 address, port outside 1–65535,
 * unknown security, sender that is not an email address, a password without a user.
 */
export function validateMailSettings(input: unknown, path = ''): MailSettingsInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError('Mail settings must be an object', path);
  const source = input as Record<string, unknown>;
  for (const key of Object.keys(source)) if (!FIELDS.has(key)) throw new ConfigError('Unknown mail setting', `${path}/${key.slice(0, 64)}`);
  if (typeof source.host !== 'string' || !HOST.test(source.host)) throw new ConfigError('host must be a host name or an IPv4 address', `${path}/host`);
  if (!Number.isInteger(source.port) || (source.port as number) < 1 || (source.port as number) > 65535) {
    throw new ConfigError('port must be a whole number from 1 to 65535', `${path}/port`);
  }
  if (!SECURITY.includes(source.security as MailSecurity)) throw new ConfigError(`security must be one of ${SECURITY.join(', ')}`, `${path}/security`);
  const from = typeof source.from === 'string' ? source.from.trim() : undefined;
  if (!from || normalizeEmail(from) === undefined) throw new ConfigError('from must be an email address', `${path}/from`);
  const user = text(source, 'user', 254, path);
  const fromName = text(source, 'fromName', 100, path);
  let password: string | null | undefined;
  if (source.password === null) password = null;
  else password = text(source, 'password', 1024, path);
  if (typeof password === 'string' && user === undefined) throw new ConfigError('A password needs a user', `${path}/password`);
  return {
    host: source.host,
    port: source.port as number,
    security: source.security as MailSecurity,
    from,
    ...(user !== undefined && { user }),
    ...(fromName !== undefined && { fromName }),
    ...(password !== undefined && { password }),
  };
}

async function readStored(ctx: StoreContext, workspaceId: string, lock: boolean): Promise<StoredMailSettings | undefined> {
  const found = await sql<{ mail: StoredMailSettings | null }>`
    select settings -> 'mail' as mail from workspaces where id = ${workspaceId} ${lock ? sql`for update` : sql``}`.execute(ctx.db);
  const row = found.rows[0];
  if (!row) throw new ParleyError('not_found', 'Workspace not found');
  return row.mail ?? undefined;
}

/** True when the workspace exists and has mail settings (nothing is decrypted). */
export async function workspaceSendsMail(ctx: StoreContext, workspaceId: string): Promise<boolean> {
  const found = await sql<{ mail: boolean }>`select settings ? 'mail' as mail from workspaces where id = ${workspaceId}`.execute(ctx.db);
  return found.rows[0]?.mail === true;
}

function toView(stored: StoredMailSettings): MailSettingsView {
  const { passwordSealed, ...rest } = stored;
  return { ...rest, hasPassword: passwordSealed !== undefined };
}

/**
 * Stores a workspace's SMTP settings (validated) under `settings.mail`, the password sealed with
 * the workspace key. Other settings keys are left alone. Returns the view (no password).
 */
export async function saveMailSettings(ctx: StoreContext, workspaceId: string, input: unknown): Promise<MailSettingsView> {
  const valid = validateMailSettings(input);
  return inTransaction(ctx, async (trx) => {
    const previous = await readStored(trx, workspaceId, true);
    const { password, ...fields } = valid;
    let passwordSealed: string | undefined;
    if (typeof password === 'string') passwordSealed = (await trx.keyring.encryptJson(workspaceId, password)).toString('base64');
    else if (password === undefined && fields.user !== undefined) passwordSealed = previous?.passwordSealed;
    const stored: StoredMailSettings = { ...fields, ...(passwordSealed !== undefined && { passwordSealed }) };
    await sql`
      update workspaces set settings = jsonb_set(settings, '{mail}', ${JSON.stringify(stored)}::jsonb), updated_at = now()
      where id = ${workspaceId}`.execute(trx.db);
    return toView(stored);
  });
}

/** The workspace's SMTP settings without the password, or undefined when none are set. */
export async function getMailSettings(ctx: StoreContext, workspaceId: string): Promise<MailSettingsView | undefined> {
  const stored = await readStored(ctx, workspaceId, false);
  return stored ? toView(stored) : undefined;
}

/** Removes the workspace's SMTP settings (and so its sealed password). */
export async function deleteMailSettings(ctx: StoreContext, workspaceId: string): Promise<void> {
  await sql`update workspaces set settings = settings - 'mail', updated_at = now() where id = ${workspaceId}`.execute(ctx.db);
}

/** The settings a mailer connects with, password decrypted; undefined when the workspace has none. */
export async function readMailTransport(ctx: StoreContext, workspaceId: string): Promise<MailTransportSettings | undefined> {
  const stored = await readStored(ctx, workspaceId, false);
  if (!stored) return undefined;
  const { passwordSealed, ...rest } = stored;
  if (passwordSealed === undefined) return rest;
  const password = await ctx.keyring.decryptJson<string>(workspaceId, Buffer.from(passwordSealed, 'base64'));
  return { ...rest, password };
}
