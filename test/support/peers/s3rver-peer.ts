import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/** A running s3rver (npm `s3rver` 3.7) child process with one bucket, and a client to inspect it. */
export interface S3rverPeer {
  /** `http://127.0.0.1:<port>`; use with `forcePathStyle: true`. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The object's bytes, or undefined when there is no object under `key`. */
  readObject(key: string): Promise<Buffer | undefined>;
  /** Every key in the bucket, sorted. */
  listKeys(): Promise<string[]>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const LISTENING = /S3rver listening on [^:]+:(\d+)/;

/** Waits for the child to print its port; rejects if it exits first. */
function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer): void => {
      output += data.toString('utf8');
      const match = LISTENING.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`s3rver exited (${code}) before listening: ${output}`));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.once('exit', onExit);
  });
}

/** Starts s3rver on 127.0.0.1 and a free port, in a temporary directory, with `bucket` created. */
export async function startS3rver(bucket = 'parley-exports'): Promise<S3rverPeer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'parley-s3rver-'));
  const bin = path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const child = spawn(
    process.execPath,
    [bin, '--directory', directory, '--address', '127.0.0.1', '--port', '0', '--silent', '--configure-bucket', bucket],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let port: number;
  try {
    port = await portOf(child);
  } catch (error) {
    child.kill();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });

  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    ...credentials,
    async readObject(key) {
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await result.Body!.transformToByteArray());
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async listKeys() {
      const result = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (result.Contents ?? []).map((entry) => entry.Key ?? '').sort();
    },
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
