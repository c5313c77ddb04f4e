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
  /** A date field left half filled in. */
  readonly invalidDate: string;
  readonly consentRequired: string;
  readonly rateLimited: string;
  readonly payloadTooLarge: string;
  readonly somethingWentWrong: string;
  readonly consentGiven: string;
  readonly consentRefused: string;
  readonly done: string;
  readonly startAgain: string;
  /** Under a file input: the largest file the step takes (`maxBytes`, formatted in the language). */
  readonly fileLimit: (maxBytes: number) => string;
  readonly fileRequired: string;
  readonly fileEmpty: string;
  readonly fileTooLarge: (maxBytes: number) => string;
  /** The upload got no answer (network failure): sending the same file again counts once. */
  readonly fileSendFailed: string;
  /** The skip button of an optional file step, when the step names none. */
  readonly skip: string;
  /** What a loyalty card drawn in the chat says to assistive technology. */
  readonly stampCard: (filled: number, goal: number) => string;
  /** A rating's button: `value` stars of `max`, or `value` on a scale to `max`. */
  readonly ratingStars: (value: number, max: number) => string;
  readonly ratingNumber: (value: number, max: number) => string;
  /** A timed question's countdown, and what the log shows when it ends unanswered. */
  readonly secondsLeft: (seconds: number) => string;
  readonly timeUp: string;
}

/**
 * A byte count as people read it: `5 MB`, `1.5 MB`, `300 KB` (binary units, as steps count
 * megabytes), with the language's decimal mark and unit names.
 */
function formatSize(bytes: number, decimalMark: string, units: { kb: string; mb: string }): string {
  const mb = bytes / (1024 * 1024);
  const [amount, unit] = mb >= 1 ? [mb, units.mb] : [Math.max(1, bytes / 1024), units.kb];
  // Rounded down, so that "larger than" stays true of every file refused.
  const rounded = Math.floor(amount * 10) / 10;
  return `${String(rounded).replace('.', decimalMark)} ${unit}`;
}
const sizeIn = (decimalMark: string, units: { kb: string; mb: string }) => (bytes: number) => formatSize(bytes, decimalMark, units);
const SIZE_UNITS = { kb: 'KB', mb: 'MB' };

const size = {
  en: sizeIn('.', SIZE_UNITS),
  fr: sizeIn(',', { kb: 'Ko', mb: 'Mo' }),
  de: sizeIn(',', SIZE_UNITS),
  es: sizeIn(',', SIZE_UNITS),
  it: sizeIn(',', SIZE_UNITS),
};

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
  invalidDate: 'Please enter a complete date.',
  consentRequired: 'Please tick the box to continue.',
  rateLimited: 'You are going a bit fast. Please wait a moment and try again.',
  payloadTooLarge: 'That answer is too long. Please shorten it.',
  somethingWentWrong: 'Something went wrong. Please try again.',
  consentGiven: 'I agree',
  consentRefused: 'I do not agree',
  done: 'The conversation has ended.',
  startAgain: 'Start again',
  fileLimit: (max) => `Up to ${size.en(max)}.`,
  fileRequired: 'Please choose a file.',
  fileEmpty: 'This file is empty. Please choose another one.',
  fileTooLarge: (max) => `This file is larger than ${size.en(max)}. Please choose a smaller one.`,
  fileSendFailed: 'The file could not be sent. Please check your connection and try again.',
  skip: 'Skip',
  stampCard: (filled, goal) => `Loyalty card: ${filled} of ${goal} stamps`,
  ratingStars: (value, max) => `${value} of ${max} stars`,
  ratingNumber: (value, max) => `${value} out of ${max}`,
  secondsLeft: (seconds) => `${seconds} s left`,
  timeUp: 'Time’s up',
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
  invalidDate: 'Veuillez saisir une date complète.',
  consentRequired: 'Veuillez cocher la case pour continuer.',
  rateLimited: 'Vous allez un peu vite. Patientez un instant puis réessayez.',
  payloadTooLarge: 'Cette réponse est trop longue. Merci de la raccourcir.',
  somethingWentWrong: 'Une erreur est survenue. Veuillez réessayer.',
  consentGiven: 'J’accepte',
  consentRefused: 'Je n’accepte pas',
  done: 'La conversation est terminée.',
  startAgain: 'Recommencer',
  fileLimit: (max) => `Jusqu’à ${size.fr(max)}.`,
  fileRequired: 'Veuillez choisir un fichier.',
  fileEmpty: 'Ce fichier est vide. Veuillez en choisir un autre.',
  fileTooLarge: (max) => `Ce fichier dépasse ${size.fr(max)}. Veuillez en choisir un plus petit.`,
  fileSendFailed: 'Le fichier n’a pas pu être envoyé. Vérifiez votre connexion et réessayez.',
  skip: 'Passer',
  stampCard: (filled, goal) => `Carte de fidélité : ${filled} tampons sur ${goal}`,
  ratingStars: (value, max) => `${value} étoile${value > 1 ? 's' : ''} sur ${max}`,
  ratingNumber: (value, max) => `${value} sur ${max}`,
  secondsLeft: (seconds) => `Encore ${seconds} s`,
  timeUp: 'Temps écoulé',
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
  invalidDate: 'Bitte geben Sie ein vollständiges Datum ein.',
  consentRequired: 'Bitte setzen Sie das Häkchen, um fortzufahren.',
  rateLimited: 'Das ging etwas schnell. Bitte warten Sie einen Moment und versuchen Sie es erneut.',
  payloadTooLarge: 'Diese Antwort ist zu lang. Bitte kürzen Sie sie.',
  somethingWentWrong: 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
  consentGiven: 'Ich stimme zu',
  consentRefused: 'Ich stimme nicht zu',
  done: 'Die Unterhaltung ist beendet.',
  startAgain: 'Neu beginnen',
  fileLimit: (max) => `Bis zu ${size.de(max)}.`,
  fileRequired: 'Bitte wählen Sie eine Datei aus.',
  fileEmpty: 'Diese Datei ist leer. Bitte wählen Sie eine andere aus.',
  fileTooLarge: (max) => `Diese Datei ist größer als ${size.de(max)}. Bitte wählen Sie eine kleinere aus.`,
  fileSendFailed: 'Die Datei konnte nicht gesendet werden. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  skip: 'Überspringen',
  stampCard: (filled, goal) => `Treuekarte: ${filled} von ${goal} Stempeln`,
  ratingStars: (value, max) => `${value} von ${max} Sternen`,
  ratingNumber: (value, max) => `${value} von ${max}`,
  secondsLeft: (seconds) => `Noch ${seconds} s`,
  timeUp: 'Zeit abgelaufen',
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
  invalidDate: 'Introduzca una fecha completa.',
  consentRequired: 'Marque la casilla para continuar.',
  rateLimited: 'Va un poco rápido. Espere un momento y vuelva a intentarlo.',
  payloadTooLarge: 'Esa respuesta es demasiado larga. Acórtela, por favor.',
  somethingWentWrong: 'Algo ha fallado. Vuelva a intentarlo.',
  consentGiven: 'Acepto',
  consentRefused: 'No acepto',
  done: 'La conversación ha terminado.',
  startAgain: 'Empezar de nuevo',
  fileLimit: (max) => `Hasta ${size.es(max)}.`,
  fileRequired: 'Elija un archivo.',
  fileEmpty: 'Este archivo está vacío. Elija otro.',
  fileTooLarge: (max) => `Este archivo supera ${size.es(max)}. Elija uno más pequeño.`,
  fileSendFailed: 'No se ha podido enviar el archivo. Compruebe su conexión y vuelva a intentarlo.',
  skip: 'Omitir',
  stampCard: (filled, goal) => `Tarjeta de fidelidad: ${filled} de ${goal} sellos`,
  ratingStars: (value, max) => `${value} de ${max} estrellas`,
  ratingNumber: (value, max) => `${value} de ${max}`,
  secondsLeft: (seconds) => `Quedan ${seconds} s`,
  timeUp: 'Se acabó el tiempo',
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
  invalidDate: 'Inserisci una data completa.',
  consentRequired: 'Spunta la casella per continuare.',
  rateLimited: 'Stai andando un po’ veloce. Attendi un momento e riprova.',
  payloadTooLarge: 'Questa risposta è troppo lunga. Accorciala, per favore.',
  somethingWentWrong: 'Qualcosa è andato storto. Riprova.',
  consentGiven: 'Accetto',
  consentRefused: 'Non accetto',
  done: 'La conversazione è terminata.',
  startAgain: 'Ricomincia',
  fileLimit: (max) => `Fino a ${size.it(max)}.`,
  fileRequired: 'Scegli un file.',
  fileEmpty: 'Questo file è vuoto. Scegline un altro.',
  fileTooLarge: (max) => `Questo file supera ${size.it(max)}. Scegline uno più piccolo.`,
  fileSendFailed: 'Non è stato possibile inviare il file. Controlla la connessione e riprova.',
  skip: 'Salta',
  stampCard: (filled, goal) => `Carta fedeltà: ${filled} timbri su ${goal}`,
  ratingStars: (value, max) => `${value} stell${value === 1 ? 'a' : 'e'} su ${max}`,
  ratingNumber: (value, max) => `${value} su ${max}`,
  secondsLeft: (seconds) => `Ancora ${seconds} s`,
  timeUp: 'Tempo scaduto',
};

const CATALOG: Readonly<Record<string, WidgetStrings>> = { en: EN, fr: FR, de: DE, es: ES, it: IT };

/** The languages the widget speaks (`data-locale`, else the browser's language; English otherwise). */
export const WIDGET_LANGUAGES = Object.keys(CATALOG);

/** The strings for a BCP 47 tag such as `fr-CA`, falling back to English. */
export function stringsFor(locale: string | undefined): WidgetStrings {
  const language = (locale ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return CATALOG[language] ?? EN;
}
