// fauxqs listens on every interface whatever its `host` option says: a repro for the upstream report in
// docs/fauxqs-listen-address.md. Run from the repository: `node scripts/fauxqs-listen-address-repro.mjs`.
// Exits 0 when the bug reproduces (the server is bound to 0.0.0.0), 1 when it listens on loopback only.

import { Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startFauxqs } from 'fauxqs';

const bound = [];
const listen = Server.prototype.listen;
Server.prototype.listen = function (...args) {
  this.once('listening', () => bound.push(this.address()));
  return listen.apply(this, args);
};
const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
Server.prototype.listen = listen;

const addresses = bound.map((a) => `${a.address}:${a.port}`);
const external = Object.values(networkInterfaces())
  .flat()
  .filter((i) => i && !i.internal && i.family === 'IPv4')
  .map((i) => i.address);
console.log(`asked for host 127.0.0.1; listening on ${addresses.join(', ')}`);
if (external.length > 0)
  console.log(`so it answers on this machine's other addresses too: ${external.join(', ')}`);
await server.stop();
const reproduced = bound.some((a) => a.address === '0.0.0.0' || a.address === '::');
console.log(reproduced ? 'REPRODUCED: bound to every interface' : 'not reproduced: loopback only');
process.exit(reproduced ? 0 : 1);
