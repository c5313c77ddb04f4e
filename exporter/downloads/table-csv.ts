import { Transform, type Readable } from 'node:stream';
import { createSerializer, createSerializerStream } from '../serializers/index.js';
import type { DecodedRow } from '../../storage/store-reader.js';

/**
 * The columns of a table download: the row's envelope with its email first (what an owner looks
 * for), then its data and its other personal values as JSON.
 */
export const DOWNLOAD_COLUMNS = ['id', 'created_at', 'email', 'expires_at', 'flow_id', 'session_id', 'participant_ref', 'module', 'step', 'data', 'personal'] as const;

function cells(row: DecodedRow): string[] {
  const { email, ...personal } = row.personal ?? {};
  return [
    row.id,
    row.createdAt.toISOString(),
    typeof email === 'string' ? email : '',
    row.expiresAt.toISOString(),
    row.flowId ?? '',
    row.sessionId ?? '',
    row.participantRef ?? '',
    row.moduleId,
    row.stepId ?? '',
    JSON.stringify(row.data),
    Object.keys(personal).length > 0 ? JSON.stringify(personal) : '',
  ];
}

/** Store rows (object stream) → CSV bytes, with the formula-injection guard on. */
export function tableCsv(rows: Readable): Readable {
  const serializer = createSerializer({ type: 'csv' }, DOWNLOAD_COLUMNS.map((name) => ({ name })));
  const toCells = new Transform({
    objectMode: true,
    transform(row: DecodedRow, _encoding, callback) {
      callback(null, [cells(row)]); // the serializer takes batches of rows: here, one per store row
    },
  });
  rows.on('error', (error) => toCells.destroy(error));
  const csv = createSerializerStream(serializer);
  toCells.on('error', (error) => csv.destroy(error));
  return rows.pipe(toCells).pipe(csv);
}
