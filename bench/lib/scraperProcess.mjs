// The monitoring bench's scraper: the backend's own Scraper class in a child process.
import { spawn } from 'node:child_process';
import { stopProc, waitFor } from './process.mjs';

/**
 * The backend's scraper (`scraperModule`: a build's out/src/core/monitor/scraper.js) in a process of its own that lives as long
 * as its server, like the backend's (a scraper started cold for each measurement spent 25–70 ms of CPU
 * a scrape against ~3 ms warm, which is not what a user's backend pays). It scrapes a few times to
 * warm up, then scrapes only between go() and pause(): go() starts it every `intervalMs` from a random
 * phase, so the scrapes a measurement sees average to the real rate; pause() stops it and resolves
 * with the scrapes made since go() and the process's CPU time over that span.
 */
export function startScraper(scraperModule, url, mlwbRoot, intervalMs) {
  const script = `
    const { Scraper } = require(${JSON.stringify(scraperModule)});
    const d = { id: 'bench', model: 'churn', version: 1, target: 'local', status: 'healthy', url: ${JSON.stringify(url)}, created_at: '', updated_at: '' };
    let ticks = 0, failures = 0, counting = false, cpu0, phase;
    const s = new Scraper(${JSON.stringify(mlwbRoot)}, { intervalMs: ${intervalMs}, deployments: () => [d], onTick: (ok, bad) => {
      if (counting) { ticks++; failures += bad.length; }
    } });
    (async () => { for (let i = 0; i < 20; i++) await s.tick(); console.error('scraper ready'); })();
    require('node:readline').createInterface({ input: process.stdin }).on('line', (cmd) => {
      if (cmd === 'go') {
        ticks = 0; failures = 0; counting = true; cpu0 = process.cpuUsage();
        phase = setTimeout(() => s.start(), Math.random() * ${intervalMs});
      } else if (cmd === 'pause') {
        clearTimeout(phase); s.stop(); counting = false;
        const u = process.cpuUsage(cpu0);
        console.log(JSON.stringify({ ticks, failures, cpu_us: u.user + u.system }));
      }
    });
  `;
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  let waiting;
  let out = '';
  proc.stdout.on('data', (c) => {
    out += c.toString();
    for (let n = out.indexOf('\n'); n >= 0; n = out.indexOf('\n')) {
      lines.push(out.slice(0, n));
      out = out.slice(n + 1);
    }
    if (lines.length && waiting) waiting(JSON.parse(lines.shift()));
  });
  return {
    ready: waitFor(proc, /(scraper ready)/, 60_000),
    go: () => proc.stdin.write('go\n'),
    pause: () =>
      new Promise((resolve) => {
        waiting = (r) => {
          waiting = undefined;
          resolve(r);
        };
        proc.stdin.write('pause\n');
      }),
    stop: () => stopProc(proc),
  };
}
