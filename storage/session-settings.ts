import type pg from 'pg';

/** Session settings (name → value) that a pooled connection holds for one piece of work. */
export type SessionSettings = Readonly<Record<string, string>>;

const NAME = /^[a-z_]+(\.[a-z_]+)?$/;

/** Throws unless every name is a setting's name: names go into `reset` statements as they are. */
export function checkSettingNames(settings: SessionSettings): void {
  for (const name of Object.keys(settings)) if (!NAME.test(name)) throw new Error(`Not a setting name: ${name}`);
}

/** Sets `settings` on the connection, in one statement (values as parameters). */
export async function applySettings(client: pg.ClientBase, settings: SessionSettings): Promise<void> {
  const names = Object.keys(settings);
  if (names.length === 0) return;
  checkSettingNames(settings);
  const calls = names.map((_name, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, false)`);
  await client.query(`select ${calls.join(', ')}`, names.flatMap((name) => [name, settings[name]]));
}

/**
 * Resets `settings` before the connection goes back to the pool. Returns the error, if any: the
 * caller then releases the connection with it, so the pool destroys it instead of lending it out
 * with the settings still set.
 */
export async function resetSettings(client: pg.ClientBase, settings: SessionSettings): Promise<Error | undefined> {
  const names = Object.keys(settings);
  if (names.length === 0) return undefined;
  checkSettingNames(settings);
  try {
    await client.query(names.map((name) => `reset ${name}`).join('; '));
    return undefined;
  } catch (cause) {
    return cause as Error;
  }
}
