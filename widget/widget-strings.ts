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

const DE: WidgetStrings = {
  defaultTitle: 'Schreiben Sie uns',
  openChat: 'Chat öffnen',
  closeChat: 'Chat schließen',
  hideChat: 'Chat ausblenden',
  conversation: 'Unterhaltung',
  send: 'Senden',
  continue: 'Weiter',
  terms: 'Bedingungen',
  connecting: 'Verbinden…',
  reconnecting: 'Verbindung wird wiederhergestellt…',
  unavailable: 'Der Chat ist gerade nicht verfügbar. Neuer Versuch…',
  fieldRequired: 'Bitte füllen Sie dieses Feld aus.',
  fieldTooLong: (max) => `Bitte verwenden Sie höchstens ${max} Zeichen.`,
  invalidEmail: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  consentRequired: 'Bitte setzen Sie das Häkchen, um fortzufahren.',
  rateLimited: 'Das ging etwas schnell. Bitte warten Sie einen Moment und versuchen Sie es erneut.',
  payloadTooLarge: 'Diese Antwort ist zu lang. Bitte kürzen Sie sie.',
  somethingWentWrong: 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
  consentGiven: 'Ich stimme zu',
  consentRefused: 'Ich stimme nicht zu',
  done: 'Die Unterhaltung ist beendet.',
  startAgain: 'Neu beginnen',
};

const ES: WidgetStrings = {
  defaultTitle: 'Hable con nosotros',
  openChat: 'Abrir el chat',
  closeChat: 'Cerrar el chat',
  hideChat: 'Ocultar el chat',
  conversation: 'Conversación',
  send: 'Enviar',
  continue: 'Continuar',
  terms: 'Condiciones',
  connecting: 'Conectando…',
  reconnecting: 'Reconectando…',
  unavailable: 'El chat no está disponible en este momento. Reintentando…',
  fieldRequired: 'Rellene este campo.',
  fieldTooLong: (max) => `Use como máximo ${max} caracteres.`,
  invalidEmail: 'Introduzca una dirección de correo electrónico válida.',
  consentRequired: 'Marque la casilla para continuar.',
  rateLimited: 'Va un poco rápido. Espere un momento y vuelva a intentarlo.',
  payloadTooLarge: 'Esa respuesta es demasiado larga. Acórtela, por favor.',
  somethingWentWrong: 'Algo ha fallado. Vuelva a intentarlo.',
  consentGiven: 'Acepto',
  consentRefused: 'No acepto',
  done: 'La conversación ha terminado.',
  startAgain: 'Empezar de nuevo',
};

const IT: WidgetStrings = {
  defaultTitle: 'Scrivici',
  openChat: 'Apri la chat',
  closeChat: 'Chiudi la chat',
  hideChat: 'Nascondi la chat',
  conversation: 'Conversazione',
  send: 'Invia',
  continue: 'Continua',
  terms: 'Condizioni',
  connecting: 'Connessione…',
  reconnecting: 'Riconnessione…',
  unavailable: 'La chat non è disponibile al momento. Nuovo tentativo…',
  fieldRequired: 'Compila questo campo.',
  fieldTooLong: (max) => `Usa al massimo ${max} caratteri.`,
  invalidEmail: 'Inserisci un indirizzo email valido.',
  consentRequired: 'Spunta la casella per continuare.',
  rateLimited: 'Stai andando un po’ veloce. Attendi un momento e riprova.',
  payloadTooLarge: 'Questa risposta è troppo lunga. Accorciala, per favore.',
  somethingWentWrong: 'Qualcosa è andato storto. Riprova.',
  consentGiven: 'Accetto',
  consentRefused: 'Non accetto',
  done: 'La conversazione è terminata.',
  startAgain: 'Ricomincia',
};

const CATALOG: Readonly<Record<string, WidgetStrings>> = { en: EN, fr: FR, de: DE, es: ES, it: IT };

/** The languages the widget speaks (`data-locale`, else the browser's language; English otherwise). */
export const WIDGET_LANGUAGES = Object.keys(CATALOG);

/** The strings for a BCP 47 tag such as `fr-CA`, falling back to English. */
export function stringsFor(locale: string | undefined): WidgetStrings {
  const language = (locale ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return CATALOG[language] ?? EN;
}
