// Runs an HTTP server script in N processes sharing one port (node:cluster; the primary hands each new
// connection to the next process, round-robin), for the serving benchmark's multi-process points:
// does a second event loop buy throughput on this machine? Benchmark tooling only: the model server
// itself stays one process per deployment (docs/server.md#performance says why).
//   node bench/lib/cluster.mjs <processes> <script> [args...]
// Prints "pids <primary>,<worker>,…" and then "listening on <url>" once every process listens (each
// server prints its own "listening on <url>"; port 0 resolves to one shared port). SIGTERM is passed
// to every process; the primary exits once they all have.
import cluster from 'node:cluster';

const [count, script, ...args] = process.argv.slice(2);
const n = Number(count);
if (!Number.isInteger(n) || n < 1 || !script) {
  process.stderr.write('usage: cluster.mjs <processes> <script> [args...]\n');
  process.exit(2);
}

cluster.setupPrimary({ exec: script, args, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const urls = [];
const workers = Array.from({ length: n }, () => cluster.fork());
for (const w of workers) {
  let text = '';
  w.process.stdout.on('data', (c) => {
    text += c.toString();
    const m = /listening on (http:\/\/\S+)/.exec(text);
    if (!m || w.listened) return;
    w.listened = true;
    urls.push(m[1]);
    if (urls.length < n) return;
    if (new Set(urls).size !== 1) {
      process.stderr.write(`cluster: the processes listen on different URLs: ${urls.join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write(`pids ${[process.pid, ...workers.map((x) => x.process.pid)].join(',')}\nlistening on ${urls[0]}\n`);
  });
}
let stopping = false;
cluster.on('exit', (w, code, signal) => {
  if (!stopping) {
    process.stderr.write(`cluster: process ${w.process.pid} exited (${signal ?? code}) before it was stopped\n`);
    stop();
  }
  if (Object.keys(cluster.workers).length === 0) process.exit(0);
});
function stop() {
  stopping = true;
  for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
