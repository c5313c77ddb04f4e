import { storeEvents } from '../../storage/store-events.js';

/**
 * Runs `work` while recording the group commits it causes, as the metrics see them: the size of
 * every group sent, and the size of every group the server refused (its members then ran alone).
 */
export async function recordGroupCommits<T>(work: () => Promise<T>): Promise<{ result: T; groups: number[]; retried: number[] }> {
  const groups: number[] = [];
  const retried: number[] = [];
  const onGroup = (n: number) => groups.push(n);
  const onRetried = (n: number) => retried.push(n);
  storeEvents.on('group', onGroup).on('groupRetried', onRetried);
  try {
    return { result: await work(), groups, retried };
  } finally {
    storeEvents.off('group', onGroup).off('groupRetried', onRetried);
  }
}
