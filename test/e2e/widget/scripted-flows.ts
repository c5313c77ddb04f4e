import type { BotMessage, InputRequest, ProtocolError } from '../../../core/chat-protocol.js';

/** What a scripted step says about an answer: accepted (stored under the step id) or refused. */
export type StepVerdict = { readonly ok: true } | { readonly ok: false; readonly error: ProtocolError };

/** One step of a scripted test flow. */
export interface ScriptedStep {
  readonly id: string;
  messages(answers: Readonly<Record<string, string | boolean>>): readonly BotMessage[];
  readonly input: InputRequest | null;
  accept(value: string | boolean): StepVerdict;
}

const refuse = (message: string): StepVerdict => ({ ok: false, error: { code: 'validation_failed', message, path: '$.value' } });
const FINAL: ScriptedStep['accept'] = () => refuse('The conversation has ended.');

/** The text of the first message: markup that must show literally, never run. */
export const HOSTILE_GREETING = 'Hello <img src=x onerror="window.__pwned=1"> and welcome!';
export const EMAIL_REFUSAL = 'Enter a full email address, like name@example.com.';

/** hello text → choice Red/Blue → email (server-side check) → consent → done. */
const PILLS: readonly ScriptedStep[] = [
  {
    id: 'pill',
    messages: () => [
      { kind: 'text', text: HOSTILE_GREETING },
      { kind: 'link', label: 'Our website', url: 'https://example.org/' },
      { kind: 'link', label: 'Not a real link', url: 'javascript:window.__pwned=2' },
    ],
    input: { kind: 'choice', options: [{ id: 'red', label: 'Red pill' }, { id: 'blue', label: 'Blue pill' }] },
    accept: (value) => (value === 'red' || value === 'blue' ? { ok: true } : refuse('Pick one of the options.')),
  },
  {
    id: 'email',
    messages: (answers) => [{ kind: 'text', text: `You took the ${answers.pill === 'red' ? 'Red' : 'Blue'} pill.` }],
    input: {
      kind: 'email',
      label: 'Your email',
      placeholder: 'name@example.com',
      notice: 'We use your email for <b>this draw</b> only.',
      termsUrl: 'https://example.org/privacy',
      termsLabel: 'Privacy policy',
    },
    accept: (value) => (typeof value === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) ? { ok: true } : refuse(EMAIL_REFUSAL)),
  },
  {
    id: 'consent',
    messages: () => [{ kind: 'text', text: 'Thanks! One last thing.' }],
    input: { kind: 'consent', label: 'I agree to receive the newsletter', termsUrl: 'https://example.org/terms', termsLabel: 'Read the terms', required: true },
    accept: (value) => (value === true ? { ok: true } : refuse('Consent is needed to continue.')),
  },
  { id: 'done', messages: () => [{ kind: 'text', text: 'All done, see you soon!' }], input: null, accept: FINAL },
];

/** text (required, at most 12 characters) → done. */
const NAME: readonly ScriptedStep[] = [
  {
    id: 'name',
    messages: () => [{ kind: 'text', text: 'What should we call you?' }],
    input: { kind: 'text', label: 'Your name', required: true, maxLength: 12 },
    accept: (value) => (typeof value === 'string' && value.length > 0 && value.length <= 12 ? { ok: true } : refuse('Give a name of 1 to 12 characters.')),
  },
  { id: 'done', messages: (answers) => [{ kind: 'text', text: `Nice to meet you, ${String(answers.name)}.` }], input: null, accept: FINAL },
];

/** Where the share step's Facebook button leads (the test answers it in the browser). */
export const SHARE_PAGE = 'https://social.example/share?u=https%3A%2F%2Fbrand.example%2Fsummer';

/** share buttons (a link, an unsafe address, a skip button) → done, saying what was chosen. */
const SHARE: readonly ScriptedStep[] = [
  {
    id: 'share',
    messages: () => [{ kind: 'text', text: 'Share for luck?' }],
    input: {
      kind: 'choice',
      options: [
        { id: 'facebook', label: 'Facebook', url: SHARE_PAGE },
        { id: 'odd', label: 'Odd network', url: 'javascript:window.__pwned=3' },
        { id: 'skip', label: 'No thanks' },
      ],
    },
    accept: (value) => (value === 'facebook' || value === 'odd' || value === 'skip' ? { ok: true } : refuse('Pick one of the options.')),
  },
  { id: 'done', messages: (answers) => [{ kind: 'text', text: `You chose ${String(answers.share)}.` }], input: null, accept: FINAL },
];

/** The flows the fake gateway knows, by flow id. */
export const SCRIPTED_FLOWS: Readonly<Record<string, readonly ScriptedStep[]>> = { pills: PILLS, name: NAME, share: SHARE };
