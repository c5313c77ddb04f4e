import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One mail the peer accepted, split into headers and a decoded text body. */
export interface ReceivedMail {
  readonly from: string | null;
  readonly to: readonly string[];
  /** Authenticated user of the session, if any. */
  readonly user: string | null;
  /** Header names lower-cased, folded lines joined. */
  readonly headers: Readonly<Record<string, string>>;
  readonly subject: string;
  /** The body with its transfer encoding (quoted-printable or base64) undone, LF line ends, no final line break. */
  readonly text: string;
  readonly raw: string;
}

/** A real SMTP server (npm `smtp-server`) on 127.0.0.1 and a free port, plain (no TLS), collecting mails. */
export interface SmtpPeer {
  readonly host: string;
  readonly port: number;
  readonly messages: readonly ReceivedMail[];
  /** The next mail to arrive (or the oldest one not yet taken). */
  nextMessage(): Promise<ReceivedMail>;
  /** Answers the next `count` mails with a temporary failure (451) whose text names the recipients. */
  rejectNext(count: number): void;
  stop(): Promise<void>;
}

function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const text = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i += 1) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

/** Splits a raw message at the first blank line and decodes headers and body the simple way. */
export function parseMail(raw: string): { headers: Record<string, string>; subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const text =
    encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { headers, subject: decodeWords(headers.subject ?? ''), text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

/** Starts the peer; with `credentials`, AUTH (PLAIN/LOGIN, allowed without TLS) is required and checked. */
export async function startSmtpPeer(options: { credentials?: { user: string; password: string } } = {}): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const waiting: Array<(mail: ReceivedMail) => void> = [];
  let taken = 0;
  let rejecting = 0;
  const credentials = options.credentials;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !credentials,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (rejecting > 0) {
          rejecting -= 1;
          const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
          callback(Object.assign(new Error(`Mailbox of ${to} is busy, try again later`), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
          raw,
          ...parseMail(raw),
        };
        messages.push(mail);
        const waiter = waiting.shift();
        if (waiter) {
          taken += 1;
          waiter(mail);
        }
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  const listener = server.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    nextMessage() {
      if (taken < messages.length) return Promise.resolve(messages[taken++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
    rejectNext(count) {
      rejecting += count;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
