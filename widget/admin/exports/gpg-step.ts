import { el } from '../dom-builder.js';
import { createField } from '../form-field.js';
import { errorMessage } from '../status-messages.js';
import { formatInstant } from '../time-format.js';
import { debounce, type BuilderContext, type BuilderStep, type StepSpec } from './builder-context.js';

/**
 * Step 6, GPG encryption (optional): paste a public key; it is checked on the spot, as saving
 * would check it (one armored public key, not revoked or expired, able to encrypt), and the
 * specific reason shows when it is refused.
 */
function createGpgStep(ctx: BuilderContext): BuilderStep {
  const { draft } = ctx;
  const key = createField({
    label: 'GPG public key (optional)',
    hint: 'The ASCII-armored public key of the recipient (gpg --armor --export). Leave empty to deliver the file unencrypted.',
    control: el('textarea', { className: 'input mono', attrs: { rows: 8, spellcheck: 'false', autocapitalize: 'off' }, text: draft.publicKey }),
  });
  const verdict = el('p', { className: 'key-verdict', attrs: { role: 'status' } });
  let generation = 0;

  const check = async () => {
    generation += 1;
    const mine = generation;
    key.clearError();
    const armored = draft.publicKey.trim();
    if (armored === '') {
      verdict.textContent = 'No encryption: the file is delivered as it is.';
      return;
    }
    verdict.textContent = 'Checking the key…';
    try {
      const info = await ctx.api.checkGpgKey(armored);
      if (mine !== generation) return;
      const expiry = info.expiresAt ? `expires ${formatInstant(info.expiresAt, ctx.timeZone)}` : 'never expires';
      verdict.textContent = `Valid key ${info.fingerprint} (${info.algorithm}) for ${info.userIds.join(', ') || 'no user id'}; ${expiry}. Files get the .gpg extension.`;
    } catch (failure) {
      if (mine !== generation) return;
      verdict.textContent = '';
      key.showError(errorMessage(failure));
    }
  };
  const later = debounce(() => void check(), 400);
  key.control.addEventListener('input', () => {
    draft.publicKey = key.control.value;
    ctx.changed();
    later();
  });
  void check();
  return {
    element: el('div', { className: 'export-step' }, [
      el('p', { className: 'muted', text: 'Encrypt the file for its recipient with their GPG public key: only the matching private key can read it. To make a key pair: gpg --quick-generate-key "Name <email>", then export the public key with gpg --armor --export.' }),
      key.element,
      verdict,
    ]),
    showError(path, message) {
      if (!path.startsWith('/encryption')) return false;
      key.showError(message);
      return true;
    },
  };
}

export const GPG_STEP: StepSpec = { key: 'gpg', title: 'GPG encryption', paths: [/^\/encryption(\/|$)/], create: createGpgStep };
