import type { Destination } from './destination.js';
import { sourceFailure, trackSourceError } from './upload-failure.js';

/**
 * A destination whose implementation is loaded on first use (once), by `load`: a process that never
 * delivers to S3 never loads the AWS SDK, and validating configs or rendering an export loads no
 * destination library at all. A failure to load (a bad GCS key file) fails the upload or the check.
 *
 * @example
 * const destination = lazyDestination(async () => (await import('./s3-destination.js')).createS3Destination(config));
 */
export function lazyDestination(load: () => Promise<Destination>): Destination {
  let loading: Promise<Destination> | undefined;
  const implementation = () => (loading ??= load());
  return {
    async upload(source, meta) {
      // Listen before the first await, as every upload does: the source may fail while the module loads.
      const sourceError = trackSourceError(source);
      let destination: Destination;
      try {
        destination = await implementation();
      } catch (error) {
        source.destroy();
        throw error;
      }
      const failed = sourceError();
      if (failed !== undefined) throw sourceFailure(failed);
      return destination.upload(source, meta);
    },
    async test(signal) {
      return (await implementation()).test(signal);
    },
  };
}
