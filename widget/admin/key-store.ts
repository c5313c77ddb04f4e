const STORAGE_KEY = 'parley.admin.apiKey';

/**
 * Where the signed-in API key lives: `sessionStorage` only (gone when the tab closes, never in
 * localStorage or a cookie). Storage errors (blocked storage) degrade to "not remembered".
 */
export const keyStore = Object.freeze({
  load(): string | undefined {
    try {
      return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
    } catch {
      return undefined;
    }
  },
  save(key: string): void {
    try {
      sessionStorage.setItem(STORAGE_KEY, key);
    } catch {
      // Not remembered across reloads; the console still works for this page.
    }
  },
  forget(): void {
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Nothing stored.
    }
  },
});
