import { describe, expect, it } from 'vitest';
import { ModuleRegistry } from '../../core/module-registry.js';
import { fakeStep as fakeStepOf } from '../../test/support/fake-step.js';
import { shareModule, type ShareConfig } from './share-module.js';
import { shareUrl } from './share-networks.js';

const PAGE = 'https://brand.example/summer?utm=chat&lang=fr';

const fakeStep = (config: ShareConfig) => fakeStepOf(config, { stepId: 'share' });

const validate = new ModuleRegistry([shareModule]).get('share')!.validateConfig;

describe('share step', () => {
  it('offers one link per network, to the network’s share page with the page (and the text) encoded, then the skip button', async () => {
    const { ctx } = fakeStep({ text: 'Tell your friends, {{first}}!', url: PAGE, message: 'Win a trip & more', networks: ['x', 'facebook', 'whatsapp', 'linkedin'], skipLabel: 'No thanks' });
    const result = await shareModule.handleStep({ kind: 'enter' }, ctx);
    expect(result).toEqual({
      type: 'await',
      messages: [{ kind: 'text', text: 'Tell your friends, Ann!' }],
      input: {
        kind: 'choice',
        options: [
          { id: 'x', label: 'X', url: 'https://x.com/intent/post?url=https%3A%2F%2Fbrand.example%2Fsummer%3Futm%3Dchat%26lang%3Dfr&text=Win+a+trip+%26+more' },
          { id: 'facebook', label: 'Facebook', url: 'https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fbrand.example%2Fsummer%3Futm%3Dchat%26lang%3Dfr' },
          { id: 'whatsapp', label: 'WhatsApp', url: 'https://wa.me/?text=Win+a+trip+%26+more+https%3A%2F%2Fbrand.example%2Fsummer%3Futm%3Dchat%26lang%3Dfr' },
          { id: 'linkedin', label: 'LinkedIn', url: 'https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fbrand.example%2Fsummer%3Futm%3Dchat%26lang%3Dfr' },
          { id: 'skip', label: 'No thanks' },
        ],
      },
    });
    // Each address takes the page back out whole.
    expect(new URL(shareUrl('facebook', PAGE)).searchParams.get('u')).toBe(PAGE);
    expect(new URL(shareUrl('x', PAGE)).searchParams.has('text')).toBe(false);
  });

  it('keeps the network shared on in its variable and stores it sealed in Variables', async () => {
    const { ctx, variables, writes } = fakeStep({ url: PAGE, networks: ['facebook', 'x'], variable: 'shared' });
    expect(await shareModule.handleStep({ kind: 'reply', value: 'x' }, ctx)).toEqual({ type: 'next', messages: [] });
    expect(variables.shared).toBe('x');
    expect(writes).toEqual([{ table: 'variables', row: { data: { variable: 'shared' }, personal: { shared: 'x' } } }]);
  });

  it('goes on without storing anything when skipped, and refuses a network it does not offer or a skip it has no button for', async () => {
    const skippable = fakeStep({ url: PAGE, networks: ['facebook'], skipLabel: 'Later' });
    expect(await shareModule.handleStep({ kind: 'reply', value: 'skip' }, skippable.ctx)).toEqual({ type: 'next', messages: [] });
    expect(skippable.writes).toEqual([]);
    expect(skippable.variables.shared_on).toBeUndefined();
    const invalid = { type: 'invalid', error: { code: 'validation_failed', message: 'Please pick one of the buttons', path: '/value' } };
    const required = fakeStep({ url: PAGE, networks: ['facebook'] });
    for (const value of ['skip', 'x', true, '']) expect(await shareModule.handleStep({ kind: 'reply', value }, required.ctx)).toEqual(invalid);
    expect(required.writes).toEqual([]);
  });

  it('offers exports the network and its name, under its variable (shared_on by default)', () => {
    const source = { table: 'variables', key: 'shared_on', personal: true };
    expect(shareModule.fields?.({ url: PAGE, networks: ['linkedin', 'facebook'] }, 'share')).toEqual([
      { key: 'shared_on', label: 'Shared on', type: 'text', source, values: { facebook: 'Facebook', x: 'X', linkedin: 'LinkedIn', whatsapp: 'WhatsApp' } },
      { key: 'shared_on_label', label: 'Shared on (network name)', type: 'text', source, labels: { facebook: 'Facebook', x: 'X', linkedin: 'LinkedIn', whatsapp: 'WhatsApp' } },
    ]);
  });

  it('accepts http(s) pages and each known network once', () => {
    expect(validate({ url: PAGE, networks: ['facebook', 'x', 'linkedin', 'whatsapp'] })).toBe(true);
    for (const config of [
      { url: 'javascript:alert(1)', networks: ['facebook'] },
      { url: PAGE, networks: [] },
      { url: PAGE, networks: ['myspace'] },
      { url: PAGE, networks: ['facebook', 'facebook'] },
      { url: PAGE },
    ]) expect(validate(config), JSON.stringify(config)).toBe(false);
  });
});
