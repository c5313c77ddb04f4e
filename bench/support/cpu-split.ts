import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by each group of processes on this machine (Linux /proc): this process
 * (bench), `childPid` (server), PostgreSQL, the rest; `<group> sys` is the kernel's part of it.
 */
export function cpuSplit(childPid: number | undefined): Record<string, number> {
  const ticks = 100;
  const split: Record<string, number> = { bench: 0, 'bench sys': 0, server: 0, 'server sys': 0, postgres: 0, 'postgres sys': 0, other: 0, 'other sys': 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // A PostgreSQL backend's time stays counted once it has exited: the postmaster, which waits
    // for its backends, holds theirs as its children's time (cutime, cstime).
    const reaped = comm.startsWith('postgres');
    const user = (Number(fields[11]) + (reaped ? Number(fields[13]) : 0)) / ticks;
    const system = (Number(fields[12]) + (reaped ? Number(fields[14]) : 0)) / ticks;
    const pid = Number(entry);
    const group = pid === process.pid ? 'bench' : pid === childPid ? 'server' : comm.startsWith('postgres') ? 'postgres' : 'other';
    split[group]! += user + system;
    split[`${group} sys`]! += system;
  }
  return split;
}

/** The cores each group kept busy between two `cpuSplit` readings over `seconds`: "server 0.93 (sys 0.15), …". */
export function cpuShare(before: Record<string, number>, after: Record<string, number>, seconds: number): string {
  const busy = (key: string) => ((after[key]! - (before[key] ?? 0)) / seconds).toFixed(2);
  return Object.keys(after)
    .filter((key) => !key.endsWith(' sys'))
    .map((key) => `${key} ${busy(key)} (sys ${busy(`${key} sys`)})`)
    .join(', ');
}
