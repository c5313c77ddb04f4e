/**
 * Copies text with the async Clipboard API and, when it is missing or refused (insecure
 * context, no permission), by selecting `fallback` and running the copy command. Resolves true
 * when one of them worked.
 */
export async function copyText(text: string, fallback: HTMLInputElement | HTMLTextAreaElement): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the copy command.
  }
  fallback.focus();
  fallback.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
