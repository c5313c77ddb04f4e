import nodemailer from 'nodemailer';
import type { MailTransportSettings } from '../../storage/mail-settings.js';

/** One plain-text mail to one recipient. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends a mail through a workspace's SMTP settings; rejects when the server did not accept it. */
export interface Mailer {
  send(settings: MailTransportSettings, mail: OutgoingMail): Promise<void>;
}

/** Why a send failed, without the recipient or the server's full reply (those may carry personal data). */
export interface MailFailure {
  readonly code?: string;
  readonly responseCode?: number;
}

/** The nodemailer transport options for a workspace's settings: implicit TLS, required STARTTLS, or plain. */
export function transportOptions(settings: MailTransportSettings) {
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(settings.user !== undefined && { auth: { user: settings.user, pass: settings.password ?? '' } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  } as const;
}

/** Facts about a nodemailer error that are safe to log. */
export function mailFailure(error: unknown): MailFailure {
  const source = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; responseCode?: unknown };
  return {
    ...(typeof source.code === 'string' && { code: source.code }),
    ...(typeof source.responseCode === 'number' && { responseCode: source.responseCode }),
  };
}

/** A Mailer over nodemailer SMTP: one connection per mail, closed afterwards. */
export const smtpMailer: Mailer = Object.freeze({
  async send(settings: MailTransportSettings, mail: OutgoingMail): Promise<void> {
    const transport = nodemailer.createTransport(transportOptions(settings));
    try {
      await transport.sendMail({
        from: settings.fromName ? { name: settings.fromName, address: settings.from } : settings.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
    } finally {
      transport.close();
    }
  },
});
