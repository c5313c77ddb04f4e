import { describe, expect, it } from 'vitest';
import { createHostEvents, eventDetail, type HostEventFacts } from '../../../widget/host-events.js';

const identity = { widget: 'parley-1', workspace: 'ws', flow: 'welcome', sessionId: 's-1' };

describe('events to the host page', () => {
  it('dispatches parley:<name> CustomEvents with ids and step facts', () => {
    const target = new EventTarget() as EventTarget & { dataLayer?: unknown };
    const seen: Array<{ type: string; detail: unknown }> = [];
    for (const type of ['parley:answer', 'parley:end']) target.addEventListener(type, (e) => seen.push({ type, detail: (e as CustomEvent).detail }));
    const events = createHostEvents(target, () => identity, { dataLayer: false });
    events.emit('answer', { stepId: 'email', module: 'email-capture' });
    events.emit('end');
    expect(seen).toEqual([
      { type: 'parley:answer', detail: { ...identity, stepId: 'email', module: 'email-capture' } },
      { type: 'parley:end', detail: identity },
    ]);
    expect(target.dataLayer).toBeUndefined();
  });

  it('pushes the same events to dataLayer with underscores when asked, creating it if needed', () => {
    const target = new EventTarget() as EventTarget & { dataLayer?: unknown };
    const events = createHostEvents(target, () => ({ ...identity, sessionId: null }), { dataLayer: true });
    events.emit('ready');
    events.emit('error', { code: 'rate_limited' });
    expect(target.dataLayer).toEqual([
      { event: 'parley_ready', widget: 'parley-1', workspace: 'ws', flow: 'welcome', sessionId: null },
      { event: 'parley_error', widget: 'parley-1', workspace: 'ws', flow: 'welcome', sessionId: null, code: 'rate_limited' },
    ]);
  });

  it('carries only the declared facts, whatever a caller passes (no answer value, no message)', () => {
    const smuggled = { stepId: 'email', value: 'ann@example.org', message: 'ann@example.org is taken' } as HostEventFacts;
    const detail = eventDetail(identity, smuggled);
    expect(detail).toEqual({ ...identity, stepId: 'email' });
    expect(JSON.stringify(detail)).not.toContain('ann@example.org');
    expect(Object.isFrozen(detail)).toBe(true);
  });

  it('reads the session id at each event', () => {
    let sessionId: string | null = null;
    const target = new EventTarget();
    const details: unknown[] = [];
    target.addEventListener('parley:turn', (e) => details.push((e as CustomEvent).detail));
    const events = createHostEvents(target, () => ({ ...identity, sessionId }), { dataLayer: false });
    events.emit('turn', { stepId: 'a', seq: 1 });
    sessionId = 's-2';
    events.emit('turn', { stepId: 'b', seq: 2 });
    expect(details).toEqual([{ ...identity, sessionId: null, stepId: 'a', seq: 1 }, { ...identity, sessionId: 's-2', stepId: 'b', seq: 2 }]);
  });
});
