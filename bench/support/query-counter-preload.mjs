/**
 * Bench-only preload (`node --import …/query-counter-preload.mjs`): counts every statement a
 * process sends through node-pg (kysely, pg-boss and the socket.io adapter all use it) and
 * prints `QUERIES <n> ROUNDTRIPS <m>` on stdout when the process receives SIGUSR2. Production code never loads it.
 */
import pg from 'pg';

let count = 0;
let roundTrips = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  // A pipelined query (storage/pipelined-query.ts) sends several statements in one round trip.
  count += args[0]?.statementCount ?? 1;
  roundTrips += 1;
  return query.apply(this, args);
};
process.on('SIGUSR2', () => process.stdout.write(`QUERIES ${count} ROUNDTRIPS ${roundTrips}\n`));
