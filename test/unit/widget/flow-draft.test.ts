import { describe, expect, it } from 'vitest';
import { flowErrorTarget, flowIdFromName, moveStep, newStepId, stepDocuments, stepsInRunOrder } from '../../../widget/admin/flows/flow-draft.js';
import { isoToLocalInput, localInputToIso } from '../../../widget/admin/time-format.js';

describe('flow builder draft', () => {
  it('orders a saved flow as it runs, then the steps only a branch reaches', () => {
    const steps = [
      { id: 'b', module: 'message', config: {} },
      { id: 'branch', module: 'message', config: {} },
      { id: 'a', module: 'choice', config: {}, next: 'b' },
    ];
    expect(stepsInRunOrder({ start: 'a', steps }).map((s) => s.id)).toEqual(['a', 'b', 'branch']);
  });

  it('chains the steps in order and never reuses a step id', () => {
    const steps = [{ id: 'message', module: 'message', config: {} }, { id: 'message-2', module: 'message', config: {} }];
    expect(newStepId('message', steps)).toBe('message-3');
    expect(stepDocuments(steps)).toEqual([{ ...steps[0], next: 'message-2' }, steps[1]]);
  });

  it('moves a step within bounds and leaves the list alone otherwise', () => {
    const list = ['a', 'b', 'c'];
    expect(moveStep(list, 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveStep(list, 0, -1)).toBe(list);
  });

  it('derives a flow id from its name', () => {
    expect(flowIdFromName('Hello World!')).toBe('hello-world');
    expect(flowIdFromName('Été à Paris')).toBe('ete-a-paris');
    expect(flowIdFromName('!!!')).toBe('');
  });

  it('points a refusal at a flow field or a step and the path inside it', () => {
    expect(flowErrorTarget('/steps/2/config/options/0/label')).toEqual({ kind: 'step', index: 2, path: '/config/options/0/label' });
    expect(flowErrorTarget('/name')).toEqual({ kind: 'flow', field: 'name' });
    expect(flowErrorTarget('/whatever')).toBeUndefined();
  });

  it('reads datetime-local values in the workspace zone, across daylight-saving changes', () => {
    expect(localInputToIso('2025-03-01T10:30', 'Europe/Paris')).toBe('2025-03-01T09:30:00.000Z');
    expect(localInputToIso('2025-07-01T10:30', 'Europe/Paris')).toBe('2025-07-01T08:30:00.000Z');
    expect(localInputToIso('2025-03-30T03:30', 'Europe/Paris')).toBe('2025-03-30T01:30:00.000Z');
    expect(isoToLocalInput('2025-07-01T08:30:00.000Z', 'Europe/Paris')).toBe('2025-07-01T10:30');
    expect(localInputToIso('not a date', 'Europe/Paris')).toBeUndefined();
  });
});

describe('flow builder draft: branches survive an edit', () => {
  it('keeps jumps and early ends of a branching flow when it is saved again', () => {
    const saved = {
      start: 'pick',
      steps: [
        { id: 'pick', module: 'choice', config: {}, next: 'red' },
        { id: 'red', module: 'message', config: {}, next: 'red-end' },
        { id: 'red-end', module: 'giveaway', config: {} },
        { id: 'blue', module: 'message', config: {}, next: 'blue-end' },
        { id: 'blue-end', module: 'instant-win', config: {} },
      ],
    };
    const draft = stepsInRunOrder(saved);
    expect(draft.map((s) => [s.id, s.then])).toEqual([['pick', undefined], ['red', undefined], ['red-end', '#end'], ['blue', undefined], ['blue-end', undefined]]);
    expect(stepDocuments(draft).map((s) => [s.id, s.next])).toEqual(saved.steps.map((s) => [s.id, s.next]));
  });

  it('follows the order again when a jump points at a removed step', () => {
    expect(stepDocuments([{ id: 'a', module: 'm', config: {}, then: 'gone' }, { id: 'b', module: 'm', config: {} }]).map((s) => s.next)).toEqual(['b', undefined]);
  });
});
