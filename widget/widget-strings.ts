/** Every piece of interface text the widget shows, in one language. */
export interface WidgetStrings {
  readonly defaultTitle: string;
  readonly openChat: string;
  readonly closeChat: string;
  readonly hideChat: string;
  readonly conversation: string;
  readonly send: string;
  readonly continue: string;
  readonly terms: string;
  readonly connecting: string;
  readonly reconnecting: string;
  readonly unavailable: string;
  readonly fieldRequired: string;
  readonly fieldTooLong: (max: number) => string;
  readonly invalidEmail: string;
  readonly consentRequired: string;
  readonly rateLimited: string;
  readonly payloadTooLarge: string;
  readonly somethingWentWrong: string;
  readonly consentGiven: string;
  readonly consentRefused: string;
  readonly done: string;
  readonly startAgain: string;
}

const EN: WidgetStrings = {
  defaultTitle: 'Chat with us',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  hideChat: 'Hide chat',
  conversation: 'Conversation',
  send: 'Send',
  continue: 'Continue',
  terms: 'Terms',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  unavailable: 'Chat is unavailable right now. Retrying…',
  fieldRequired: 'Please fill in this field.',
  fieldTooLong: (max) => `Please use at most ${max} characters.`,
  invalidEmail: 'Please enter a valid email address.',
  consentRequired: 'Please tick the box to continue.',
  rateLimited: 'You are going a bit fast. Please wait a moment and try again.',
  payloadTooLarge: 'That answer is too long. Please shorten it.',
  somethingWentWrong: 'Something went wrong. Please try again.',
  consentGiven: 'I agree',
  consentRefused: 'I do not agree',
  done: 'The conversation has ended.',
  startAgain: 'Start again',
};

const FR: WidgetStrings = {
  defaultTitle: 'Discutons',
  openChat: 'Ouvrir la discussion',
  closeChat: 'Fermer la discussion',
  hideChat: 'Masquer la discussion',
  conversation: 'Conversation',
  send: 'Envoyer',
  continue: 'Continuer',
  terms: 'Conditions',
  connecting: 'Connexion…',
  reconnecting: 'Reconnexion…',
  unavailable: 'La discussion est indisponible pour le moment. Nouvel essai…',
  fieldRequired: 'Veuillez remplir ce champ.',
  fieldTooLong: (max) => `Veuillez utiliser au plus ${max} caractères.`,
  invalidEmail: 'Veuillez saisir une adresse e-mail valide.',
  consentRequired: 'Veuillez cocher la case pour continuer.',
  rateLimited: 'Vous allez un peu vite. Patientez un instant puis réessayez.',
  payloadTooLarge: 'Cette réponse est trop longue. Merci de la raccourcir.',
  somethingWentWrong: 'Une erreur est survenue. Veuillez réessayer.',
  consentGiven: 'J’accepte',
  consentRefused: 'Je n’accepte pas',
  done: 'La conversation est terminée.',
  startAgain: 'Recommencer',
};

const CATALOG: Readonly<Record<string, WidgetStrings>> = { en: EN, fr: FR };

/** The strings for a BCP 47 tag such as `fr-CA`, falling back to English. */
export function stringsFor(locale: string | undefined): WidgetStrings {
  const language = (locale ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return CATALOG[language] ?? EN;
}
