import { readdir, readFile } from 'node:fs/promises';

/** Pids of the live processes whose parent is `parentPid` and whose command line contains `marker` (read from /proc). */
export async function childPids(parentPid: number, marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const ppid = /^PPid:\s+(\d+)$/m.exec(status)?.[1];
    if (Number(ppid) !== parentPid || /^State:\s+Z/m.test(status)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/** Whether a process with this pid is alive (not a zombie). */
export async function isRunning(pid: number): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  return status !== undefined && !/^State:\s+Z/m.test(status);
}

/** The niceness of each thread of a process (field 19 of `/proc/<pid>/task/<tid>/stat`). */
export async function threadNiceness(pid: number): Promise<number[]> {
  const values: number[] = [];
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined);
    // After the command's closing parenthesis: state (field 3) … nice (field 19).
    if (stat) values.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return values;
}
