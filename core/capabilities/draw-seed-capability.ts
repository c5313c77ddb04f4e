/** The draw-seed capability modules use: its interface (runtime/capabilities builds it over storage). */

/**
 * Commits the secret seeds of a step's next winner draws, inside the current transaction (the
 * flow's save or close), so their SHA-256 is published before anyone draws.
 */
export interface DrawSeedCapability {
  /** Commits a seed for the next draw of this step (`step`) or the next flow-wide draw (`flow`), unless one is in force. */
  commit(scope: 'step' | 'flow'): Promise<void>;
}
