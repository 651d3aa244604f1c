// CPU time of Chromium's threads, from Linux's /proc (bench:page-speed): which threads besides
// the training workers take the cores while the page trains (the page's main thread, the
// compositor, the GPU and browser processes). Linux only; elsewhere `cpuByThread` returns null.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process or thread ended meanwhile
  }
};

/** The processes under `root` (this bench's own Chromium: other sessions may run theirs). */
function descendants(pids, root) {
  const children = new Map();
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    const ppid = stat && stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out = [];
  const todo = [String(root)];
  while (todo.length) for (const c of children.get(todo.pop()) ?? []) out.push(c), todo.push(c);
  return out;
}

/**
 * `{ "renderer/DedicatedWorker thread": seconds, ... }` summed over the threads of that name in
 * the Chromium processes this process started, or null.
 */
export function cpuByThread(binary = 'chromium') {
  let pids;
  try {
    pids = descendants(readdirSync('/proc').filter((d) => /^\d+$/.test(d)), process.pid);
  } catch {
    return null;
  }
  const out = {};
  for (const pid of pids) {
    const cmd = read(`/proc/${pid}/cmdline`);
    if (!cmd || !cmd.split('\0')[0].includes(binary)) continue;
    const kind = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is the state (field 3)
      const ticks = Number(fields[11]) + Number(fields[12]); // utime (14) + stime (15)
      const key = `${kind}/${name}`;
      out[key] = (out[key] ?? 0) + ticks / TICKS_PER_SECOND;
    }
  }
  return out;
}

/** The CPU seconds each thread name took between two `cpuByThread` readings, most first, over `min`. */
export function cpuBetween(before, after, min = 0.05) {
  if (!before || !after) return null;
  const rows = Object.entries(after).map(([k, v]) => [k, Math.round(100 * (v - (before[k] ?? 0))) / 100]);
  return Object.fromEntries(rows.filter(([, v]) => v >= min).sort((a, b) => b[1] - a[1]));
}

/** CPU seconds all cores have spent busy since boot (everything but idle and iowait), or null. */
export function machineBusySeconds() {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return null;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}
