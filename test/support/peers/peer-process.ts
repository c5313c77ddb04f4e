import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs a command to completion (optionally feeding `input` on stdin) and returns its stdout. */
export async function run(command: string, args: readonly string[], input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await execFileAsync(command, [...args]);
    return stdout;
  }
  const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${command} exited with ${code}: ${stderr.trim()}`);
  return stdout;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  const result = new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.once('listening', () => server.close(() => resolve(true)));
  });
  server.listen(port, '127.0.0.1');
  return result;
}

/** `count` consecutive free ports on 127.0.0.1 (for an FTP passive range). */
export async function freePortRange(count: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const min = 20_000 + Math.floor(Math.random() * 40_000);
    let free = true;
    for (let port = min; port < min + count && free; port += 1) free = await isFree(port);
    if (free) return { min, max: min + count - 1 };
  }
  throw new Error('no free port range');
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`, or rejects when `child` exits. */
export async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`peer exited early with ${String(code)}`);
  });
  exited.catch(() => undefined);
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 25))]);
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** Stops a peer process by its pid and waits until it has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  process.kill(child.pid, 'SIGTERM');
  await exited;
}

/** A real local account (made with `useradd -m` and `chpasswd`) for a peer that authenticates through the OS. */
export interface SystemUser {
  readonly name: string;
  readonly password: string;
  readonly home: string;
  /** Deletes the account and its home directory. */
  remove(): Promise<void>;
}

/** Creates a local user with a random name and password; call `remove()` when done. */
export async function createSystemUser(prefix: string): Promise<SystemUser> {
  const name = `${prefix}${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  await run('useradd', ['-m', '-s', '/bin/sh', name]);
  await run('chpasswd', [], `${name}:${password}\n`);
  const home = (await run('getent', ['passwd', name])).split(':')[5]!;
  return {
    name,
    password,
    home,
    async remove() {
      await run('userdel', ['-r', '-f', name]).catch(() => undefined);
    },
  };
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers: a peer that hangs. */
export interface SilentServer {
  readonly port: number;
  /** Called for every accepted connection. */
  onConnection(listener: () => void): void;
  stop(): Promise<void>;
}

/** Starts a SilentServer on a free port. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    onConnection: (listener) => server.on('connection', listener),
    async stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
