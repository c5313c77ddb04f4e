/**
 * A UUID in its text form, any version (row, workspace and key ids), case-insensitive: what a
 * lookup checks before it asks the database, so a malformed id is simply not found.
 */
export const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
