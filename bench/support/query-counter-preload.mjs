/**
 * Bench-only preload (`node --import …/query-counter-preload.mjs`): counts every statement a
 * process sends through node-pg (kysely, pg-boss and the socket.io adapter all use it) and
 * prints `QUERIES <n>` on stdout when the process receives SIGUSR2. Production code never loads it.
 */
import pg from 'pg';

let count = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  count += 1;
  return query.apply(this, args);
};
process.on('SIGUSR2', () => process.stdout.write(`QUERIES ${count}\n`));
