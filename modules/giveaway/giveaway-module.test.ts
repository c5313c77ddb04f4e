import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { Frequency, ModuleWrite, StepContext, StepResult, UniqueWriteResult } from '../../core/module-contract.js';
import { ModuleRegistry } from '../../core/module-registry.js';
import { entryWindowState, GIVEAWAY_DEFAULTS, giveawayModule, type GiveawayConfig } from './giveaway-module.js';

interface Call {
  readonly row: ModuleWrite;
  readonly frequency: Frequency;
}

/** A step context whose store answers `answer` and remembers what it was asked to write and to log. */
function context(config: GiveawayConfig, variables: Record<string, string>, answer: UniqueWriteResult, now = '2024-05-01T12:00:00Z') {
  const calls: Call[] = [];
  const events: Array<Record<string, unknown>> = [];
  const ctx = {
    log: async (event: string, data: Record<string, unknown> = {}) => void events.push({ event, ...data }),
    config,
    stepId: 'draw',
    clock: new ManualClock(now),
    variables: { get: (name: string) => variables[name], set: () => {}, all: () => variables },
    store: {
      storageEnabled: true,
      writeAtMost: async (_table: string, row: ModuleWrite, frequency: Frequency) => {
        calls.push({ row, frequency });
        return answer;
      },
    },
  } as unknown as StepContext<GiveawayConfig>;
  return { ctx, calls, events };
}

const stored: UniqueWriteResult = { stored: true, id: 'row', expiresAt: new Date() };
const texts = (result: StepResult) => ('messages' in result ? result.messages.map((m) => (m.kind === 'text' ? m.text : m.kind === 'link' ? m.label : m.kind)) : []);

describe('giveaway module', () => {
  it('enters the normalized email once per frequency window, with the step as the giveaway id', async () => {
    const { ctx, calls, events } = context({ frequency: 'weekly' }, { mail: ' Ann@Example.ORG ' }, stored);
    const result = await giveawayModule.handleStep({ kind: 'enter' }, { ...ctx, config: { frequency: 'weekly', emailVariable: 'mail' } });
    expect(result).toEqual({ type: 'next', messages: [{ kind: 'text', text: GIVEAWAY_DEFAULTS.confirmText }] });
    expect(calls).toEqual([{ row: { data: { giveaway: 'draw', frequency: 'weekly' }, personal: { email: 'ann@example.org' }, subject: 'ann@example.org' }, frequency: 'weekly' }]);
    expect(events).toEqual([{ event: 'giveaway_entered', frequency: 'weekly' }]);
  });

  it('explains a refusal by frequency unless a text is configured, and says so when storage is off', async () => {
    const already: UniqueWriteResult = { stored: false, reason: 'already_exists' };
    const email = { email: 'a@example.org' };
    expect(texts(await giveawayModule.handleStep({ kind: 'enter' }, context({}, email, already).ctx))).toEqual([GIVEAWAY_DEFAULTS.alreadyText]);
    expect(texts(await giveawayModule.handleStep({ kind: 'enter' }, context({ frequency: 'daily' }, email, already).ctx))).toEqual(['You have already entered today; come back tomorrow']);
    expect(texts(await giveawayModule.handleStep({ kind: 'enter' }, context({ alreadyText: 'Nope {{email}}' }, email, already).ctx))).toEqual(['Nope a@example.org']);
    const off: UniqueWriteResult = { stored: false, reason: 'storage_disabled' };
    const unstored = context({}, email, off);
    expect(texts(await giveawayModule.handleStep({ kind: 'enter' }, unstored.ctx))).toEqual([GIVEAWAY_DEFAULTS.storageOffText]);
    expect(unstored.events).toEqual([{ event: 'giveaway_not_stored', frequency: 'once' }]);
  });

  it('ends the flow without writing when the email variable is missing or not an address', async () => {
    for (const variables of [{}, { email: 'not an email' }] as Record<string, string>[]) {
      const { ctx, calls } = context({}, variables, stored);
      expect(await giveawayModule.handleStep({ kind: 'enter' }, ctx)).toEqual({ type: 'done', messages: [{ kind: 'text', text: GIVEAWAY_DEFAULTS.noEmailText }] });
      expect(calls).toEqual([]);
    }
  });

  it('outside the entry window moves on with the closed text and writes nothing', async () => {
    const config = { startsAt: '2024-05-01T10:00:00Z', endsAt: '2024-05-02T10:00:00Z', closedText: 'Closed' };
    const { ctx, calls } = context(config, { email: 'a@example.org' }, stored, '2024-05-03T00:00:00Z');
    expect(await giveawayModule.handleStep({ kind: 'enter' }, ctx)).toEqual({ type: 'next', messages: [{ kind: 'text', text: 'Closed' }] });
    expect(calls).toEqual([]);
  });

  it('entryWindowState: startsAt inclusive, endsAt exclusive, either bound optional', () => {
    const window = { startsAt: '2024-05-01T10:00:00+02:00', endsAt: '2024-05-02T10:00:00+02:00' };
    expect(entryWindowState(window, new Date('2024-05-01T07:59:59.999Z'))).toBe('before');
    expect(entryWindowState(window, new Date('2024-05-01T08:00:00Z'))).toBe('open');
    expect(entryWindowState(window, new Date('2024-05-02T07:59:59.999Z'))).toBe('open');
    expect(entryWindowState(window, new Date('2024-05-02T08:00:00Z'))).toBe('after');
    expect(entryWindowState({}, new Date(0))).toBe('open');
    expect(entryWindowState({ endsAt: window.endsAt }, new Date(0))).toBe('open');
  });

  it('config: schema and checks refuse bad values with their JSON path', () => {
    const { validateConfig } = new ModuleRegistry([giveawayModule]).get('giveaway')!;
    expect(validateConfig({ frequency: 'monthly' })).toBe(false);
    expect(validateConfig({ startsAt: 'tomorrow' })).toBe(false);
    expect(validateConfig({ confirmText: '' })).toBe(false);
    expect(validateConfig({ colour: 'red' })).toBe(false);
    expect(validateConfig({ frequency: 'daily', startsAt: '2024-05-01T00:00:00Z', emailVariable: 'mail' })).toBe(true);
    expect(() => giveawayModule.checkConfig!({ startsAt: '2024-05-02T00:00:00Z', endsAt: '2024-05-02T00:00:00Z' }, '/steps/3/config')).toThrow(
      expect.objectContaining({ code: 'config_invalid', path: '/steps/3/config/endsAt' }),
    );
    expect(giveawayModule.requiresStorage).toBe(true);
    expect(giveawayModule.fields!({}, 'draw').map((f) => f.key)).toEqual(['giveaway_email', 'giveaway_step', 'giveaway_frequency']);
  });
});
