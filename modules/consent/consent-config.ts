import { ConfigError } from '../../core/errors.js';
import { VARIABLE_NAME } from '../../core/config-schema-parts.js';
import { termsLinkSchemaProperties } from '../../core/terms-link.js';

/** A consent step: a checkbox the participant accepts or declines, optionally confirmed by email. */
export interface ConsentConfig {
  /** The checkbox text (what is agreed to). */
  readonly label: string;
  readonly termsUrl?: string;
  readonly termsLabel?: string;
  /** When true, declining is refused; by default declining is allowed and recorded as 0. */
  readonly required?: boolean;
  /** When true, an accepted consent is confirmed by a link sent by email (double opt-in). */
  readonly doubleOptIn?: boolean;
  /** Session variable holding the participant's email (default `email`). */
  readonly emailVariable?: string;
  readonly confirmSubject?: string;
  /** Body of the confirmation email; must contain `{{link}}`, may contain `{{withdraw_link}}`. */
  readonly confirmText?: string;
  readonly acceptedText?: string;
  readonly declinedText?: string;
  /** Said after an accepted double opt-in, e.g. "Check your inbox to confirm". */
  readonly pendingText?: string;
}

export const DEFAULT_CONFIRM_SUBJECT = 'Please confirm your subscription';
export const DEFAULT_CONFIRM_TEXT =
  'Hello,\n\nPlease confirm your subscription by opening this link:\n\n{{link}}\n\nThe link is valid for 7 days. If you did not ask for this, ignore this email.\n\n' +
  'Changed your mind, now or later? Withdraw your consent here:\n\n{{withdraw_link}}';
export const DEFAULT_PENDING_TEXT = 'Check your inbox to confirm your subscription.';

const LINK = /\{\{\s*link\s*\}\}/;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });

export const consentConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['label'],
  properties: {
    label: { ...text(2000), title: 'Consent text', description: 'The checkbox text: what the participant agrees to.' },
    ...termsLinkSchemaProperties('the full terms, shown beside the checkbox'),
    required: { title: 'Consent required', description: 'When on, declining is refused; otherwise declining is allowed and recorded.', default: false, type: 'boolean' },
    doubleOptIn: { title: 'Double opt-in', description: 'Confirm an accepted consent by a link sent by email.', default: false, type: 'boolean' },
    emailVariable: { title: 'Email variable', description: 'Session variable holding the participant’s email.', default: 'email', ...VARIABLE_NAME },
    confirmSubject: { title: 'Confirmation subject', description: 'Subject of the double opt-in email.', default: DEFAULT_CONFIRM_SUBJECT, type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\r\\n]+$' },
    confirmText: { ...text(10_000), title: 'Confirmation email', description: 'Body of the double opt-in email; must contain {{link}} (confirms), and may contain {{withdraw_link}} (withdraws the consent at any time: the default text has it).', default: DEFAULT_CONFIRM_TEXT },
    acceptedText: { ...text(4000), title: 'When accepted', description: 'Said after the participant accepts.' },
    declinedText: { ...text(4000), title: 'When declined', description: 'Said after the participant declines.' },
    pendingText: { ...text(4000), title: 'Waiting for confirmation', description: 'Said after an accepted double opt-in.', default: DEFAULT_PENDING_TEXT },
  },
} as const;

/** Beyond the schema: a confirmation text must say where the link goes. */
export function checkConsentConfig(config: ConsentConfig, path: string): void {
  if (config.confirmText !== undefined && !LINK.test(config.confirmText)) {
    throw new ConfigError('confirmText must contain {{link}}', `${path}/confirmText`);
  }
}
