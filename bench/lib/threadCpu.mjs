// CPU time of another process from Linux's /proc, summed or by thread.
import * as fs from 'node:fs';

/**
 * CPU time the server process has used so far, in ns: the sum over its threads (main, inference
 * workers, libuv's pool that does the log's file writes). Other engineers' load on the shared cores
 * moves throughput a lot and this little, so CPU per request is the steadier measure of a cost.
 */
export function cpuNs(pid) {
  return fs.readdirSync(`/proc/${pid}/task`).reduce((ns, t) => ns + threadCpuNs(pid, t), 0);
}

/**
 * The same, by kind of thread (the thread's name): MainThread (the event loop), WorkerThread
 * (inference), libuv-worker (the request log's file writes), V8Worker (garbage collection and
 * compilation helpers), so a cost can be placed without a profiler's own overhead.
 */
export function cpuNsByThread(pid) {
  const by = {};
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    let name;
    try {
      name = fs.readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    by[name] = (by[name] ?? 0) + threadCpuNs(pid, t);
  }
  return by;
}

/** CPU time of one thread of a process, in ns (0 once it has ended); the main thread's id is the pid. */
export function threadCpuNs(pid, tid) {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0; // a thread that ended between the listing and the read
  }
}
