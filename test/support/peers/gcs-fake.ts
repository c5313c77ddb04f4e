import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small in-memory fake of the Google Cloud Storage JSON API, enough for `@google-cloud/storage` 7:
 * multipart uploads, resumable sessions (chunked `Content-Range`, cancel by DELETE), object GET
 * (metadata or media) and DELETE. Objects appear only when an upload is finalized; requests must carry a JWT signed
 * by a registered service-account key (self-signed, as `useJWTAccessWithScope` sends it).
 */
export interface GcsFake {
  /** `http://127.0.0.1:<port>`, for the client's `apiEndpoint`. */
  readonly apiEndpoint: string;
  readonly bucket: string;
  /** A service-account key file (JSON text) the fake accepts. */
  readonly serviceAccountJson: string;
  /** The object's bytes, fetched with `GET …?alt=media`, or undefined when there is none. */
  readObject(name: string): Promise<Buffer | undefined>;
  /** Names of the finalized objects in the bucket, sorted. */
  objectNames(): string[];
  /** Resumable sessions started but never finalized. */
  openSessions(): number;
  /** Makes the next `times` resumable PUTs that carry bytes answer `status` (e.g. 503) without storing them. */
  failNextChunks(status: number, times?: number): void;
  close(): Promise<void>;
}

interface StoredObject {
  readonly data: Buffer;
  readonly contentType: string;
  readonly generation: number;
  readonly created: string;
}

interface Session {
  readonly bucket: string;
  readonly name: string;
  readonly contentType: string;
  readonly chunks: Buffer[];
  size: number;
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? (value >>> 1) ^ 0x82f63b78 : value >>> 1;
  return value >>> 0;
});

/** CRC32C (Castagnoli) of `data`, base64 of its four big-endian bytes, as GCS reports it. */
export function crc32cBase64(data: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

/** A fresh service-account key file for `apiEndpoint` (its `token_uri` points there too). */
export function makeServiceAccountJson(apiEndpoint: string, clientEmail = 'exporter@parley-test.iam.gserviceaccount.com'): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    project_id: 'parley-test',
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: clientEmail,
    client_id: '100000000000000000001',
    auth_uri: `${apiEndpoint}/auth`,
    token_uri: `${apiEndpoint}/token`,
  });
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A self-signed JWT for `account`, like the one google-auth-library sends. */
function selfSignedJwt(account: { client_email: string; private_key: string; private_key_id: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${base64url({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })}.${base64url({
    iss: account.client_email,
    sub: account.client_email,
    scope: 'https://www.googleapis.com/auth/devstorage.read_only',
    iat: now,
    exp: now + 600,
  })}`;
  return `${head}.${sign('sha256', Buffer.from(head), createPrivateKey(account.private_key)).toString('base64url')}`;
}

/** True when `header` is `Bearer <JWT>` signed by `publicKey` for `email` and not expired. */
function authorized(header: string | undefined, email: string, publicKey: KeyObject): boolean {
  const [head, body, signature] = /^Bearer (.+)$/.exec(header ?? '')?.[1]?.split('.') ?? [];
  if (!head || !body || !signature) return false;
  if (!verify('sha256', Buffer.from(`${head}.${body}`), publicKey, Buffer.from(signature, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { iss?: string; exp?: number };
  return claims.iss === email && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
}

/** The whole request body, or undefined when the client went away before sending all of it. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of request) chunks.push(chunk as Buffer);
  } catch {
    return undefined;
  }
  return request.complete ? Buffer.concat(chunks) : undefined;
}

/** The parts of a `multipart/related` body: each part's headers (lower-case) and content. */
function multipartParts(body: Buffer, boundary: string): { headers: Record<string, string>; content: Buffer }[] {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: { headers: Record<string, string>; content: Buffer }[] = [];
  let rest = Buffer.concat([Buffer.from('\r\n'), body]);
  for (let at = rest.indexOf(delimiter); at >= 0; at = rest.indexOf(delimiter)) {
    const part = rest.subarray(0, at);
    rest = rest.subarray(at + delimiter.length);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = Object.fromEntries(
      part
        .subarray(0, split)
        .toString('utf8')
        .split('\r\n')
        .filter((line) => line.includes(':'))
        .map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    parts.push({ headers, content: part.subarray(split + 4) });
  }
  return parts;
}

function send(response: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}): void {
  response.writeHead(status, body ? { 'content-type': 'application/json', ...headers } : headers);
  response.end(body ? JSON.stringify(body) : undefined);
}

function apiError(response: ServerResponse, status: number, message: string, reason: string): void {
  send(response, status, { error: { code: status, message, errors: [{ message, reason }] } });
}

/** Starts the fake on 127.0.0.1 and a free port, with one bucket and one accepted service account. */
export async function startGcsFake(options: { bucket?: string } = {}): Promise<GcsFake> {
  const bucket = options.bucket ?? 'parley-exports';
  const objects = new Map<string, StoredObject>();
  const sessions = new Map<string, Session>();
  let generation = 1_700_000_000_000_000;
  let apiEndpoint = '';
  let account = { client_email: '', private_key: '', private_key_id: '' };
  let publicKey: KeyObject | undefined;
  let chunkFailure = { status: 0, times: 0 };

  const metadata = (name: string, stored: StoredObject): object => ({
    kind: 'storage#object',
    id: `${bucket}/${name}/${stored.generation}`,
    name,
    bucket,
    generation: String(stored.generation),
    metageneration: '1',
    contentType: stored.contentType,
    size: String(stored.data.length),
    md5Hash: createHash('md5').update(stored.data).digest('base64'),
    crc32c: crc32cBase64(stored.data),
    storageClass: 'STANDARD',
    timeCreated: stored.created,
    updated: stored.created,
  });

  /** Stores the object unless the client sent an `x-goog-hash` that does not match; answers either way. */
  const finalize = (response: ServerResponse, request: IncomingMessage, name: string, data: Buffer, contentType: string): void => {
    const sentCrc = /crc32c=([^,]+)/.exec(String(request.headers['x-goog-hash'] ?? ''))?.[1];
    if (sentCrc !== undefined && sentCrc !== crc32cBase64(data)) {
      apiError(response, 400, 'Provided CRC32C does not match the object data', 'invalid');
      return;
    }
    generation += 1;
    const stored = { data, contentType, generation, created: new Date().toISOString() };
    objects.set(name, stored);
    send(response, 200, metadata(name, stored));
  };

  const handleUpload = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const uploadType = url.searchParams.get('uploadType');
    const uploadId = url.searchParams.get('upload_id');
    if (request.method === 'DELETE' && uploadType === 'resumable' && uploadId) {
      if (!sessions.delete(uploadId)) return apiError(response, 404, 'No such upload session', 'notFound');
      return send(response, 499);
    }
    if (request.method === 'PUT' && uploadType === 'resumable' && uploadId) {
      const session = sessions.get(uploadId);
      if (!session) return apiError(response, 404, 'No such upload session', 'notFound');
      const range = /^bytes (?:\*|(\d+)-(\d+|\*))\/(\d+|\*)$/.exec(String(request.headers['content-range'] ?? ''));
      if (!range) return apiError(response, 400, 'Invalid Content-Range', 'invalid');
      const body = await readBody(request);
      if (body === undefined) return; // the client went away: the session keeps what it had
      const [, first, last, total] = range;
      if (first !== undefined && chunkFailure.times > 0) {
        chunkFailure = { ...chunkFailure, times: chunkFailure.times - 1 };
        return apiError(response, chunkFailure.status, 'Injected failure', 'backendError');
      }
      if (first !== undefined) {
        if (Number(first) !== session.size) return apiError(response, 400, 'Content-Range does not continue the upload', 'invalid');
        session.chunks.push(body);
        session.size += body.length;
      }
      const whole = total === '*' ? last === '*' : session.size === Number(total);
      if (whole) {
        sessions.delete(uploadId);
        return finalize(response, request, session.name, Buffer.concat(session.chunks), session.contentType);
      }
      return send(response, 308, undefined, session.size > 0 ? { range: `bytes=0-${session.size - 1}` } : {});
    }
    if (request.method !== 'POST') return apiError(response, 405, 'Method not allowed', 'invalid');
    if (!publicKey || !authorized(request.headers.authorization, account.client_email, publicKey)) {
      return apiError(response, 401, 'Invalid Credentials', 'authError');
    }
    const body = await readBody(request);
    if (body === undefined) return;
    if (uploadType === 'multipart') {
      const boundary = /boundary="?([^";]+)"?/.exec(String(request.headers['content-type'] ?? ''))?.[1];
      const parts = boundary ? multipartParts(body, boundary) : [];
      if (parts.length < 2) return apiError(response, 400, 'Malformed multipart body', 'invalid');
      const meta = JSON.parse(parts[0]!.content.toString('utf8')) as { name?: string; contentType?: string };
      const name = url.searchParams.get('name') ?? meta.name;
      if (!name) return apiError(response, 400, 'Missing object name', 'required');
      return finalize(response, request, name, parts[1]!.content, meta.contentType ?? parts[1]!.headers['content-type'] ?? 'application/octet-stream');
    }
    if (uploadType === 'resumable') {
      const name = url.searchParams.get('name');
      if (!name) return apiError(response, 400, 'Missing object name', 'required');
      const id = randomBytes(12).toString('hex');
      const contentType = String(request.headers['x-upload-content-type'] ?? 'application/octet-stream');
      sessions.set(id, { bucket, name, contentType, chunks: [], size: 0 });
      const location = `${apiEndpoint}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
      return send(response, 200, undefined, { location });
    }
    return apiError(response, 400, 'Unsupported uploadType', 'invalid');
  };

  const handleObject = (request: IncomingMessage, response: ServerResponse, url: URL, name: string): void => {
    if (!publicKey || !authorized(request.headers.authorization, account.client_email, publicKey)) {
      return apiError(response, 401, 'Invalid Credentials', 'authError');
    }
    const stored = objects.get(name);
    if (!stored) return apiError(response, 404, 'No such object', 'notFound');
    if (request.method === 'DELETE') {
      objects.delete(name);
      return send(response, 204);
    }
    if (request.method !== 'GET') return apiError(response, 405, 'Method not allowed', 'invalid');
    if (url.searchParams.get('alt') !== 'media') return send(response, 200, metadata(name, stored));
    response.writeHead(200, {
      'content-type': stored.contentType,
      'content-length': stored.data.length,
      'x-goog-hash': `crc32c=${crc32cBase64(stored.data)},md5=${createHash('md5').update(stored.data).digest('base64')}`,
    });
    response.end(stored.data);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', apiEndpoint);
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const object = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    const target = upload?.[1] ?? object?.[1];
    if (target === undefined) return apiError(response, 404, 'Not found', 'notFound');
    if (decodeURIComponent(target) !== bucket) return apiError(response, 404, 'The specified bucket does not exist.', 'notFound');
    if (upload) {
      handleUpload(request, response, url).catch(() => apiError(response, 500, 'Internal error', 'backendError'));
      return;
    }
    handleObject(request, response, url, decodeURIComponent(object![2]!));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceAccountJson = makeServiceAccountJson(apiEndpoint);
  account = JSON.parse(serviceAccountJson) as typeof account;
  publicKey = createPublicKey(account.private_key);

  return {
    apiEndpoint,
    bucket,
    serviceAccountJson,
    async readObject(name) {
      const response = await fetch(`${apiEndpoint}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?alt=media`, {
        headers: { authorization: `Bearer ${selfSignedJwt(account)}` },
      });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`GCS fake answered ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    },
    objectNames: () => [...objects.keys()].sort(),
    openSessions: () => sessions.size,
    failNextChunks: (status, times = 1) => {
      chunkFailure = { status, times };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
