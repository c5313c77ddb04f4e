import { describe, expect, it } from 'vitest';
import { validate, version } from 'uuid';
import { uuidV7 } from '../../../storage/uuid-v7.js';

/** The Unix milliseconds in a UUIDv7's first 48 bits. */
const msecsOf = (id: string): number => parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('uuidV7', () => {
  it('makes valid version-7 ids, each greater than the one before, many of them within one millisecond', () => {
    const ids = Array.from({ length: 50_000 }, () => uuidV7());
    for (const id of ids.slice(0, 100)) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
    }
    for (let i = 1; i < ids.length; i += 1) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // 50,000 ids take a few milliseconds at most: most shared theirs with the one before.
    const sameMillisecond = ids.filter((id, i) => i > 0 && msecsOf(id) === msecsOf(ids[i - 1]!)).length;
    expect(sameMillisecond).toBeGreaterThan(ids.length / 2);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stamps the current time', () => {
    const before = Date.now();
    const id = uuidV7();
    const after = Date.now();
    expect(msecsOf(id)).toBeGreaterThanOrEqual(before);
    expect(msecsOf(id)).toBeLessThanOrEqual(after + 1);
  });
});
