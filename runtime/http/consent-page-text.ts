/**
 * The words of the public consent pages (the links of consent mails, the withdrawal request
 * page), in the widget's five languages; a page answers in the one the browser prefers.
 */

/** The languages the public consent pages speak (the widget's), the first the default. */
export const PAGE_LANGUAGES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** What a page says in one language: fixed text only, nothing from the request is ever echoed into it. */
export interface PageWords {
  readonly title: string;
  readonly text: string;
  /** A button that posts to the page's own address (an empty form action): an action a link preview must not take by opening it. */
  readonly button?: string;
  /** The label of an email field the form posts (as `email`) with its button. */
  readonly emailField?: string;
}

/** A public page of the consent links: its status, and its words in every language. */
export type ConsentPage = { readonly status: number } & Readonly<Record<PageLanguage, PageWords>>;

type Words = Readonly<Record<PageLanguage, PageWords>>;
const page = (status: number, words: Words): ConsentPage => Object.freeze({ status, ...words });
/** The same words with some changed in every language. */
const mapWords = (words: Words, change: (words: PageWords, lang: PageLanguage) => PageWords): Words =>
  Object.fromEntries(PAGE_LANGUAGES.map((lang) => [lang, change(words[lang], lang)])) as Record<PageLanguage, PageWords>;

const LINK_NOT_FOUND: Words = {
  en: { title: 'Link not found', text: 'This link is not valid.' },
  fr: { title: 'Lien introuvable', text: 'Ce lien n’est pas valide.' },
  de: { title: 'Link nicht gefunden', text: 'Dieser Link ist ungültig.' },
  es: { title: 'Enlace no encontrado', text: 'Este enlace no es válido.' },
  it: { title: 'Link non trovato', text: 'Questo link non è valido.' },
};

/** A failure on our side. */
export const ERROR_PAGE = page(500, {
  en: { title: 'Something went wrong', text: 'Something went wrong on our side. Please try again later.' },
  fr: { title: 'Un problème est survenu', text: 'Un problème est survenu de notre côté. Veuillez réessayer plus tard.' },
  de: { title: 'Etwas ist schiefgelaufen', text: 'Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es später erneut.' },
  es: { title: 'Algo salió mal', text: 'Algo salió mal por nuestra parte. Vuelva a intentarlo más tarde.' },
  it: { title: 'Qualcosa è andato storto', text: 'Qualcosa è andato storto da parte nostra. Riprova più tardi.' },
});

/** What opening a double opt-in mail's confirmation link did. */
export const CONFIRM_PAGES = Object.freeze({
  confirmed: page(200, {
    en: { title: 'Subscription confirmed', text: 'Thanks, your subscription is confirmed.' },
    fr: { title: 'Inscription confirmée', text: 'Merci, votre inscription est confirmée.' },
    de: { title: 'Anmeldung bestätigt', text: 'Danke, Ihre Anmeldung ist bestätigt.' },
    es: { title: 'Suscripción confirmada', text: 'Gracias, su suscripción está confirmada.' },
    it: { title: 'Iscrizione confermata', text: 'Grazie, la tua iscrizione è confermata.' },
  }),
  already_confirmed: page(200, {
    en: { title: 'Already confirmed', text: 'Your subscription was already confirmed. Thanks!' },
    fr: { title: 'Déjà confirmée', text: 'Votre inscription était déjà confirmée. Merci !' },
    de: { title: 'Bereits bestätigt', text: 'Ihre Anmeldung war bereits bestätigt. Danke!' },
    es: { title: 'Ya confirmada', text: 'Su suscripción ya estaba confirmada. ¡Gracias!' },
    it: { title: 'Già confermata', text: 'La tua iscrizione era già confermata. Grazie!' },
  }),
  expired: page(410, {
    en: { title: 'Link expired', text: 'This link has expired or was already used.' },
    fr: { title: 'Lien expiré', text: 'Ce lien a expiré ou a déjà été utilisé.' },
    de: { title: 'Link abgelaufen', text: 'Dieser Link ist abgelaufen oder wurde bereits verwendet.' },
    es: { title: 'Enlace caducado', text: 'Este enlace ha caducado o ya se ha utilizado.' },
    it: { title: 'Link scaduto', text: 'Questo link è scaduto o è già stato usato.' },
  }),
  unknown: page(404, LINK_NOT_FOUND),
});

/** A double opt-in mail's withdrawal link: the question, and what pressing its button did. */
export const WITHDRAW_PAGES = Object.freeze({
  ask: page(200, {
    en: { title: 'Withdraw your consent', text: 'Press the button to withdraw the consent you gave with this address. Nothing more will be sent to you on the strength of it.', button: 'Withdraw my consent' },
    fr: { title: 'Retirer votre consentement', text: 'Appuyez sur le bouton pour retirer le consentement donné avec cette adresse. Plus rien ne vous sera envoyé sur cette base.', button: 'Retirer mon consentement' },
    de: { title: 'Einwilligung widerrufen', text: 'Drücken Sie die Schaltfläche, um die mit dieser Adresse erteilte Einwilligung zu widerrufen. Auf ihrer Grundlage wird Ihnen nichts mehr zugesandt.', button: 'Meine Einwilligung widerrufen' },
    es: { title: 'Retirar su consentimiento', text: 'Pulse el botón para retirar el consentimiento que dio con esta dirección. No se le enviará nada más en virtud de él.', button: 'Retirar mi consentimiento' },
    it: { title: 'Revoca il consenso', text: 'Premi il pulsante per revocare il consenso dato con questo indirizzo. Non ti verrà più inviato nulla sulla sua base.', button: 'Revoca il mio consenso' },
  }),
  withdrawn: page(200, {
    en: { title: 'Consent withdrawn', text: 'Your consent is withdrawn. Thank you for letting us know.' },
    fr: { title: 'Consentement retiré', text: 'Votre consentement est retiré. Merci de nous l’avoir signalé.' },
    de: { title: 'Widerruf bestätigt', text: 'Ihre Einwilligung ist widerrufen. Danke für Ihre Nachricht.' },
    es: { title: 'Consentimiento retirado', text: 'Su consentimiento ha sido retirado. Gracias por avisarnos.' },
    it: { title: 'Consenso revocato', text: 'Il tuo consenso è revocato. Grazie per avercelo fatto sapere.' },
  }),
  already_withdrawn: page(200, {
    en: { title: 'Already withdrawn', text: 'This consent was already withdrawn.' },
    fr: { title: 'Déjà retiré', text: 'Ce consentement était déjà retiré.' },
    de: { title: 'Bereits widerrufen', text: 'Diese Einwilligung war bereits widerrufen.' },
    es: { title: 'Ya retirado', text: 'Este consentimiento ya estaba retirado.' },
    it: { title: 'Già revocato', text: 'Questo consenso era già revocato.' },
  }),
  unknown: page(404, {
    en: { title: 'Link not found', text: 'This link is not valid, or what it was for is no longer kept.' },
    fr: { title: 'Lien introuvable', text: 'Ce lien n’est pas valide, ou ce à quoi il servait n’est plus conservé.' },
    de: { title: 'Link nicht gefunden', text: 'Dieser Link ist ungültig, oder das, wofür er galt, wird nicht mehr aufbewahrt.' },
    es: { title: 'Enlace no encontrado', text: 'Este enlace no es válido, o aquello para lo que servía ya no se conserva.' },
    it: { title: 'Link non trovato', text: 'Questo link non è valido, o ciò a cui serviva non è più conservato.' },
  }),
});

const REQUEST_ASK: Words = {
  en: { title: 'Withdraw your consent', text: 'Enter the email address you gave your consent with. We will mail a link to it that withdraws every consent given with that address.', emailField: 'Your email address', button: 'Mail me the link' },
  fr: { title: 'Retirer votre consentement', text: 'Saisissez l’adresse e-mail avec laquelle vous avez donné votre consentement. Nous y enverrons un lien qui retire chaque consentement donné avec cette adresse.', emailField: 'Votre adresse e-mail', button: 'M’envoyer le lien' },
  de: { title: 'Einwilligung widerrufen', text: 'Geben Sie die E-Mail-Adresse ein, mit der Sie Ihre Einwilligung erteilt haben. Wir senden an sie einen Link, der jede mit dieser Adresse erteilte Einwilligung widerruft.', emailField: 'Ihre E-Mail-Adresse', button: 'Link zusenden' },
  es: { title: 'Retirar su consentimiento', text: 'Introduzca la dirección de correo electrónico con la que dio su consentimiento. Le enviaremos un enlace que retira todos los consentimientos dados con esa dirección.', emailField: 'Su dirección de correo electrónico', button: 'Enviarme el enlace' },
  it: { title: 'Revoca il consenso', text: 'Inserisci l’indirizzo email con cui hai dato il consenso. Ti invieremo un link che revoca ogni consenso dato con quell’indirizzo.', emailField: 'Il tuo indirizzo email', button: 'Inviami il link' },
};

const INVALID_ADDRESS: Readonly<Record<PageLanguage, string>> = {
  en: 'That is not an email address. Enter the address you gave your consent with.',
  fr: 'Ce n’est pas une adresse e-mail. Saisissez l’adresse avec laquelle vous avez donné votre consentement.',
  de: 'Das ist keine E-Mail-Adresse. Geben Sie die Adresse ein, mit der Sie Ihre Einwilligung erteilt haben.',
  es: 'Eso no es una dirección de correo electrónico. Introduzca la dirección con la que dio su consentimiento.',
  it: 'Questo non è un indirizzo email. Inserisci l’indirizzo con cui hai dato il consenso.',
};

/** The public page where a person asks for a withdrawal link by mail. */
export const REQUEST_PAGES = Object.freeze({
  ask: page(200, REQUEST_ASK),
  invalid: page(400, mapWords(REQUEST_ASK, (words, lang) => ({ ...words, text: INVALID_ADDRESS[lang] }))),
  sent: page(200, {
    en: { title: 'Check your mail', text: 'If consents given with this address are kept, a link that withdraws them is on its way to it. It works for 24 hours.' },
    fr: { title: 'Consultez votre messagerie', text: 'Si des consentements donnés avec cette adresse sont conservés, un lien qui les retire est en route vers elle. Il est valable 24 heures.' },
    de: { title: 'Sehen Sie in Ihr Postfach', text: 'Wenn mit dieser Adresse erteilte Einwilligungen gespeichert sind, ist ein Link, der sie widerruft, an sie unterwegs. Er gilt 24 Stunden.' },
    es: { title: 'Revise su correo', text: 'Si se conservan consentimientos dados con esta dirección, va de camino hacia ella un enlace que los retira. Es válido durante 24 horas.' },
    it: { title: 'Controlla la tua posta', text: 'Se sono conservati consensi dati con questo indirizzo, un link che li revoca è in arrivo. È valido 24 ore.' },
  }),
  limited: page(429, {
    en: { title: 'Too many requests', text: 'Too many requests came from your network in the last minute. Please try again shortly.' },
    fr: { title: 'Trop de demandes', text: 'Trop de demandes sont venues de votre réseau au cours de la dernière minute. Réessayez dans un instant.' },
    de: { title: 'Zu viele Anfragen', text: 'Aus Ihrem Netzwerk kamen in der letzten Minute zu viele Anfragen. Bitte versuchen Sie es gleich noch einmal.' },
    es: { title: 'Demasiadas solicitudes', text: 'Han llegado demasiadas solicitudes desde su red en el último minuto. Vuelva a intentarlo en un momento.' },
    it: { title: 'Troppe richieste', text: 'Dalla tua rete sono arrivate troppe richieste nell’ultimo minuto. Riprova tra poco.' },
  }),
  unavailable: page(404, {
    en: { title: 'Page not found', text: 'This page does not exist.' },
    fr: { title: 'Page introuvable', text: 'Cette page n’existe pas.' },
    de: { title: 'Seite nicht gefunden', text: 'Diese Seite gibt es nicht.' },
    es: { title: 'Página no encontrada', text: 'Esta página no existe.' },
    it: { title: 'Pagina non trovata', text: 'Questa pagina non esiste.' },
  }),
});

/** A mailed withdrawal link (every consent of an address): the question, and what pressing its button did. */
export const WITHDRAW_ALL_PAGES = Object.freeze({
  ask: page(200, {
    en: { title: 'Withdraw your consents', text: 'Press the button to withdraw every consent given with your email address. Nothing more will be sent to you on the strength of them.', button: 'Withdraw my consents' },
    fr: { title: 'Retirer vos consentements', text: 'Appuyez sur le bouton pour retirer chaque consentement donné avec votre adresse e-mail. Plus rien ne vous sera envoyé sur cette base.', button: 'Retirer mes consentements' },
    de: { title: 'Einwilligungen widerrufen', text: 'Drücken Sie die Schaltfläche, um jede mit Ihrer E-Mail-Adresse erteilte Einwilligung zu widerrufen. Auf ihrer Grundlage wird Ihnen nichts mehr zugesandt.', button: 'Meine Einwilligungen widerrufen' },
    es: { title: 'Retirar sus consentimientos', text: 'Pulse el botón para retirar todos los consentimientos dados con su dirección de correo electrónico. No se le enviará nada más en virtud de ellos.', button: 'Retirar mis consentimientos' },
    it: { title: 'Revoca i consensi', text: 'Premi il pulsante per revocare ogni consenso dato con il tuo indirizzo email. Non ti verrà più inviato nulla sulla loro base.', button: 'Revoca i miei consensi' },
  }),
  withdrawn: page(200, {
    en: { title: 'Consents withdrawn', text: 'Your consents are withdrawn. Thank you for letting us know.' },
    fr: { title: 'Consentements retirés', text: 'Vos consentements sont retirés. Merci de nous l’avoir signalé.' },
    de: { title: 'Widerruf bestätigt', text: 'Ihre Einwilligungen sind widerrufen. Danke für Ihre Nachricht.' },
    es: { title: 'Consentimientos retirados', text: 'Sus consentimientos han sido retirados. Gracias por avisarnos.' },
    it: { title: 'Consensi revocati', text: 'I tuoi consensi sono revocati. Grazie per avercelo fatto sapere.' },
  }),
  already_withdrawn: page(200, {
    en: { title: 'Already withdrawn', text: 'No consent given with your address stands any more.' },
    fr: { title: 'Déjà retirés', text: 'Plus aucun consentement donné avec votre adresse n’est en vigueur.' },
    de: { title: 'Bereits widerrufen', text: 'Keine mit Ihrer Adresse erteilte Einwilligung besteht mehr.' },
    es: { title: 'Ya retirados', text: 'Ya no sigue vigente ningún consentimiento dado con su dirección.' },
    it: { title: 'Già revocati', text: 'Nessun consenso dato con il tuo indirizzo è più in vigore.' },
  }),
  expired: page(410, {
    en: { title: 'Link expired', text: 'This link has expired. Ask for a new one on the page you came from.' },
    fr: { title: 'Lien expiré', text: 'Ce lien a expiré. Demandez-en un nouveau sur la page d’où vous venez.' },
    de: { title: 'Link abgelaufen', text: 'Dieser Link ist abgelaufen. Fordern Sie auf der Seite, von der Sie kamen, einen neuen an.' },
    es: { title: 'Enlace caducado', text: 'Este enlace ha caducado. Solicite uno nuevo en la página de la que viene.' },
    it: { title: 'Link scaduto', text: 'Questo link è scaduto. Richiedine uno nuovo dalla pagina da cui sei arrivato.' },
  }),
  unknown: page(404, LINK_NOT_FOUND),
});
