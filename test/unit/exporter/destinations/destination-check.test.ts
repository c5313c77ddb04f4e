import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../../../core/errors.js';
import { checkDestination } from '../../../../exporter/destinations/destination-check.js';

let localRoot: string;

beforeAll(async () => {
  localRoot = await mkdtemp(path.join(os.tmpdir(), 'parley-destination-check-'));
});
afterAll(async () => {
  await rm(localRoot, { recursive: true, force: true });
});

describe('checkDestination', () => {
  it('writes and removes a probe through the implementation it loads', async () => {
    expect(await checkDestination({ kind: 'local', directory: 'partner' }, { localRoot })).toEqual({ ok: true });
  });

  it('throws ValidationError for a config its schema refuses', async () => {
    await expect(checkDestination({ kind: 'local', directory: '../outside' }, { localRoot })).rejects.toBeInstanceOf(ValidationError);
  });

  // The GCS key is read when the destination is built, which now happens on first use, inside the check.
  it('throws ConfigError, not a failed connection, for a GCS key that is not a service-account key file', async () => {
    const config = { kind: 'gcs', bucket: 'partner-drop', serviceAccountJson: '{"type":"authorized_user"}' };
    const failure = await checkDestination(config, { localRoot }).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure).toMatchObject({ path: '/destination/serviceAccountJson' });
  });
});
