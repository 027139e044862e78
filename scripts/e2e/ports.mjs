// Free loopback ports, without hanging: every probe is a local bind that answers at once.
import { createServer } from 'node:net';

/**
 * Try to bind 127.0.0.1:port; resolves the bound port (useful for port 0) or null when taken.
 * @param {number} port
 * @returns {Promise<number | null>}
 */
function tryBind(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const addr = srv.address();
      const bound = typeof addr === 'object' && addr ? addr.port : null;
      srv.close(() => resolve(bound));
    });
  });
}

/**
 * A free port on 127.0.0.1: `preferred` and the next `span - 1` ports when given, else one from the OS.
 * @param {number} [preferred]
 * @param {number} [span]
 * @returns {Promise<number>}
 */
export async function freePort(preferred, span = 20) {
  if (preferred) {
    for (let p = preferred; p < preferred + span && p < 65536; p++) {
      if ((await tryBind(p)) !== null) return p;
    }
  }
  const port = await tryBind(0);
  if (port === null) throw new Error('no free loopback port');
  return port;
}
