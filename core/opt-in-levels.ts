/**
 * The levels a consent's `is_optin` takes (0 declined, 1 opt-in, 2 a double opt-in confirmed by
 * email), with the names an owner reads: the console offers them for an export's conditions.
 */
export const OPT_IN_LEVEL_NAMES: Readonly<Record<string, string>> = Object.freeze({ 0: 'Declined', 1: 'Opt-in', 2: 'Double opt-in confirmed' });
