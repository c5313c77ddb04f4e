import { ApiError, signInWith } from './api-client.js';
import { apiKeyApi } from './api-keys/api-key-api.js';
import { showConsole } from './console-view.js';
import { keyStore } from './key-store.js';
import { showSignIn } from './sign-in-view.js';
import { errorMessage } from './status-messages.js';

/**
 * Runs the console in `root`: resumes with the key kept in sessionStorage when it is still
 * accepted, otherwise shows the sign-in form. Sign out (or a key the server stops accepting)
 * forgets the key and returns to the sign-in form.
 */
export async function startAdminApp(root: HTMLElement): Promise<void> {
  const signOut = (notice: string) => {
    keyStore.forget();
    showSignIn(root, { notice, submit: signIn });
  };
  async function signIn(key: string): Promise<void> {
    const session = await signInWith(key, { onUnauthorized: () => signOut('Your API key is no longer accepted. Sign in again.') });
    const current = await apiKeyApi(session.api).current();
    keyStore.save(key);
    showConsole(root, { ...session, key: current, signOut: () => signOut('You are signed out.') });
  }

  const remembered = keyStore.load();
  if (!remembered) return showSignIn(root, { submit: signIn });
  try {
    await signIn(remembered);
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 401) signOut('Your API key is no longer accepted. Sign in again.');
    else showSignIn(root, { notice: errorMessage(failure), submit: signIn });
  }
}
