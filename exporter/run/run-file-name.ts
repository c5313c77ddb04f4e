import { GPG_FILE_SUFFIX } from '../encryption/gpg-encryption.js';
import { expandFileName, type FileNameValues } from '../file-name/index.js';

/**
 * The name a run's file is delivered under: the pattern expanded for the run, with `.gpg`
 * appended when the file is encrypted. The console's live example uses the same function.
 *
 * @example runFileName('{export}_{date:YYYYMMDD}', { exportName: 'Leads', flowName: 'Promo', now, timeZone: 'Europe/Paris', run: 3, extension: 'csv' }, true)
 * // 'Leads_20240702.csv.gpg'
 */
export function runFileName(pattern: string, values: FileNameValues, encrypted: boolean): string {
  const base = expandFileName(pattern, values);
  return encrypted ? `${base}${GPG_FILE_SUFFIX}` : base;
}
