import { describe, expect, it } from 'vitest';
import { cleanColor, parseWidgetOptions, type WidgetInput } from '../../../widget/widget-options.js';
import { collectVariables } from '../../../widget/variables-input.js';
import { hostVariablesProblems } from '../../../core/chat-protocol.js';
import { initialVariables } from '../../../runtime/engine/initial-variables.js';
import { ValidationError } from '../../../core/errors.js';

const base: WidgetInput = { src: 'https://chat.example/parley/widget.js', workspace: ' ws ', flow: 'welcome' };

describe('widget options from attributes or Parley.init', () => {
  it('defaults: bubble on the right, light, no variables, no dataLayer, idle after ten minutes', () => {
    expect(parseWidgetOptions(base)).toEqual({
      origin: 'https://chat.example',
      socketPath: '/parley/socket.io',
      workspace: 'ws',
      flow: 'welcome',
      title: undefined,
      openAtLoad: false,
      locale: undefined,
      color: undefined,
      position: 'right',
      avatar: undefined,
      theme: 'light',
      mode: 'bubble',
      container: undefined,
      variables: {},
      urlVariables: [],
      dataLayer: false,
      idleTimeout: 600,
      problems: [],
    });
  });

  it('reads every look and behaviour attribute', () => {
    const options = parseWidgetOptions({
      ...base,
      title: ' Ask us ',
      open: 'TRUE',
      color: '#0F766E',
      position: 'Left',
      avatar: 'https://cdn.example/bot.png',
      theme: 'dark',
      mode: 'inline',
      container: '#chat',
      variables: '{"plan":"pro","seats":3}',
      urlVariables: ' utm_source, utm_campaign,,utm_source ',
      datalayer: 'true',
      idleTimeout: ' 90 ',
    });
    expect(options).toMatchObject({
      title: 'Ask us',
      openAtLoad: true,
      color: '#0F766E',
      position: 'left',
      avatar: 'https://cdn.example/bot.png',
      theme: 'dark',
      mode: 'inline',
      container: '#chat',
      variables: { plan: 'pro', seats: 3 },
      urlVariables: ['utm_source', 'utm_campaign'],
      dataLayer: true,
      idleTimeout: 90,
      problems: [],
    });
  });

  it('takes objects and arrays from init', () => {
    const options = parseWidgetOptions({ ...base, variables: { plan: 'pro' }, urlVariables: ['gclid'], datalayer: true, open: true, idleTimeout: 0 });
    expect(options).toMatchObject({ variables: { plan: 'pro' }, urlVariables: ['gclid'], dataLayer: true, openAtLoad: true, idleTimeout: 0 });
  });

  it('falls back on unknown or unsafe values instead of failing', () => {
    const options = parseWidgetOptions({
      ...base,
      color: 'red; background: url(https://evil.example/x)',
      position: 'top',
      theme: 'neon',
      avatar: 'javascript:alert(1)',
      mode: 'inline',
      variables: '{not json',
    });
    expect(options).toMatchObject({ color: undefined, position: 'right', theme: 'light', avatar: undefined, mode: 'bubble', variables: {} });
    expect(options!.problems).toEqual(['data-mode="inline" needs data-container', 'data-variables is not a JSON object']);
    expect(parseWidgetOptions({ ...base, variables: '["a"]' })!.problems).toEqual(['data-variables is not a JSON object']);
    // The idle timeout: whole seconds up to a day, else the default.
    expect(['-5', '1.5', 'soon', '86401', '', null].map((idleTimeout) => parseWidgetOptions({ ...base, idleTimeout })!.idleTimeout)).toEqual([600, 600, 600, 600, 600, 600]);
    expect([-1, 2.5, Number.NaN].map((idleTimeout) => parseWidgetOptions({ ...base, idleTimeout })!.idleTimeout)).toEqual([600, 600, 600]);
  });

  it('accepts hex, colour functions and names as colours, nothing that could close the declaration', () => {
    expect(['#fff', '#0f766e', 'rgb(15 118 110)', 'hsl(200, 50%, 40%)', 'teal'].map(cleanColor)).toEqual(['#fff', '#0f766e', 'rgb(15 118 110)', 'hsl(200, 50%, 40%)', 'teal']);
    expect(['#ggg', 'rgb(1,2,3);x:y', 'url(x)', '', '  ', 'var(--x)'].map(cleanColor)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('is unusable without workspace, flow or an http(s) src', () => {
    expect(parseWidgetOptions({ ...base, workspace: ' ' })).toBeUndefined();
    expect(parseWidgetOptions({ ...base, flow: null })).toBeUndefined();
    expect(parseWidgetOptions({ ...base, src: 'file:///widget.js' })).toBeUndefined();
    expect(parseWidgetOptions({ ...base, src: null })).toBeUndefined();
  });
});

describe('variables into a new session', () => {
  it('takes only allow-listed URL parameters, then declared ones, then setVariables (later wins)', () => {
    const collected = collectVariables({
      declared: { plan: 'pro', utm_campaign: 'declared', seats: 3, trial: false },
      urlVariables: ['utm_source', 'utm_campaign'],
      search: '?utm_source=newsletter&utm_campaign=spring&email=ann%40example.org',
      set: { plan: 'team', trial: null },
    });
    expect(collected).toEqual({ variables: { utm_source: 'newsletter', utm_campaign: 'declared', plan: 'team', seats: '3' }, dropped: [] });
  });

  it('takes no URL parameter by default', () => {
    expect(collectVariables({ declared: {}, urlVariables: [], search: '?utm_source=newsletter', set: {} }).variables).toEqual({});
  });

  it('drops what the gateway would refuse and reports names only, never values', () => {
    const long = 'x'.repeat(501);
    const collected = collectVariables({
      declared: { '1bad': 'a', ok: 'fine', long, nul: 'a\u0000b', half: 'a\uD800b', obj: { a: 1 } },
      urlVariables: [],
      search: '',
      set: {},
    });
    expect(collected.variables).toEqual({ ok: 'fine' });
    expect(collected.dropped.map((p) => p.path)).toEqual(['/1bad', '/long', '/nul', '/half', '/obj']);
    expect(JSON.stringify(collected.dropped)).not.toContain(long);
  });

  it('keeps at most 20 variables', () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`v${i}`, String(i)]));
    const collected = collectVariables({ declared: many, urlVariables: [], search: '', set: {} });
    expect(Object.keys(collected.variables)).toHaveLength(20);
    expect(collected.dropped).toHaveLength(5);
  });

  it('the gateway refuses a bad set with code and path, accepts a good one, and keeps paired surrogates', () => {
    expect(initialVariables(undefined, '/auth/variables')).toEqual({});
    expect(initialVariables({ utm_source: 'newsletter', emoji: '\u{1F600}' }, '/auth/variables')).toEqual({ utm_source: 'newsletter', emoji: '\u{1F600}' });
    const refused = (value: unknown) => {
      try {
        initialVariables(value, '/auth/variables');
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return { path: (error as ValidationError).path, message: (error as ValidationError).message };
      }
      throw new Error('accepted');
    };
    expect(refused({ 'a-b': 'x' }).path).toBe('/auth/variables/a-b');
    expect(refused({ n: 5 }).path).toBe('/auth/variables/n');
    expect(refused({ n: 'y'.repeat(501) })).toEqual({ path: '/auth/variables/n', message: 'A variable value has at most 500 characters' });
    expect(refused({ n: 'secret\u0000' }).message).not.toContain('secret');
    expect(refused({ n: '\uDC00' }).path).toBe('/auth/variables/n');
    expect(refused(['a']).path).toBe('/auth/variables');
    expect(refused(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`v${i}`, 'x']))).path).toBe('/auth/variables');
    expect(hostVariablesProblems({ ['a'.repeat(65)]: 'x' })).toHaveLength(1);
  });
});
