// The HTTP ceiling of the serving benchmark: the cheapest honest Node HTTP server, "what any Node
// server could do here". It reads each request's whole body, as the model server must, and answers
// a canned response (the model server's own answer to the benchmark's request, same bytes, same
// headers) without parsing or inferring anything. The answer is a string, as the model server's JSON
// answers are: Node then writes headers and body in one write (a Buffer body costs a writev of two).
// Run as its own process, like the model server, so its CPU per request is measured the same way
// (and in several processes with lib/cluster.mjs):
//   node bench/lib/httpCeiling.mjs <response.json>   → prints "listening on http://127.0.0.1:<port>"
import * as fs from 'node:fs';
import * as http from 'node:http';

const answer = fs.readFileSync(process.argv[2], 'utf8');
const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) };

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (chunks.length === 0) res.writeHead(400).end();
    else res.writeHead(200, headers).end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
