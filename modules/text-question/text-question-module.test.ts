import { describe, expect, it } from 'vitest';
import { fakeStep } from '../../test/support/fake-step.js';
import { configRefusal } from '../../test/support/config-refusal.js';
import { ageOn, readDate, readPhone } from './answer-formats.js';
import { textQuestionModule, type TextQuestionConfig } from './text-question-module.js';

describe('answer formats', () => {
  it('reads a phone number as E.164, with the step’s country for numbers written without their code', () => {
    expect(readPhone('06 12 34 56 78', 'FR')).toEqual({ ok: true, value: '+33612345678' });
    expect(readPhone('+44 20 7946 0018', 'FR')).toEqual({ ok: true, value: '+442079460018' });
    expect(readPhone('0033 6 12 34 56 78', 'FR')).toEqual({ ok: true, value: '+33612345678' });
    expect(readPhone('+33 6 12 34 56 78', undefined)).toEqual({ ok: true, value: '+33612345678' });
    expect(readPhone('06 12 34 56 78', undefined)).toEqual({ ok: false, message: 'Please write the number with its country code (+33 …)' });
    // Too short, and a range France does not use.
    expect(readPhone('06 12 34', 'FR')).toEqual({ ok: false, message: 'This phone number does not look right' });
    expect(readPhone('00 00 00 00 00', 'FR')).toMatchObject({ ok: false });
  });

  it('reads a date field’s value or a date typed day first, and refuses impossible, future and pre-1900 dates', () => {
    expect(readDate('1991-06-18', '2026-09-01')).toEqual({ ok: true, value: '1991-06-18' });
    expect(readDate('18/06/1991', '2026-09-01')).toEqual({ ok: true, value: '1991-06-18' });
    expect(readDate('8.6.1991', '2026-09-01')).toEqual({ ok: true, value: '1991-06-08' });
    expect(readDate('1991-02-30', '2026-09-01')).toEqual({ ok: false, message: 'Please give a date such as 18/06/1991' });
    expect(readDate('next tuesday', '2026-09-01')).toMatchObject({ ok: false });
    expect(readDate('2026-09-02', '2026-09-01')).toEqual({ ok: false, message: 'This date does not look right' });
    expect(readDate('1899-12-31', '2026-09-01')).toMatchObject({ ok: false });
  });

  it('counts whole years, a birthday on its day', () => {
    expect(ageOn('2008-09-01', '2026-09-01')).toBe(18);
    expect(ageOn('2008-09-02', '2026-09-01')).toBe(17);
    expect(ageOn('2000-02-29', '2018-02-28')).toBe(17);
    expect(ageOn('2000-02-29', '2018-03-01')).toBe(18);
  });
});

describe('text question formats', () => {
  const ask = async (config: TextQuestionConfig, answer: string, country?: string) => {
    const step = fakeStep(config, { variables: {}, ...(country && { country }) });
    const entered = await textQuestionModule.handleStep({ kind: 'enter' }, step.ctx);
    const result = await textQuestionModule.handleStep({ kind: 'reply', value: answer }, step.ctx);
    return { step, entered, result };
  };

  it('asks for a phone number in a telephone field and keeps it as E.164, sealed', async () => {
    const { step, entered, result } = await ask({ question: 'Your mobile?', variable: 'phone', format: 'phone', country: 'FR' }, '06 12 34 56 78');
    expect(entered).toMatchObject({ type: 'await', input: { kind: 'text', format: 'phone' } });
    expect(result).toEqual({ type: 'next', messages: [] });
    expect(step.variables.phone).toBe('+33612345678');
    expect(step.writes).toEqual([{ table: 'variables', row: { data: { variable: 'phone' }, personal: { phone: '+33612345678' } } }]);
  });

  it('reads a number without its code as the participant’s country when the step names none; the step’s country comes first', async () => {
    const phone = { question: 'Your mobile?', variable: 'phone', format: 'phone' } as const;
    expect((await ask(phone, '06 12 34 56 78', 'FR')).step.variables.phone).toBe('+33612345678');
    expect((await ask({ ...phone, country: 'BE' }, '0470 12 34 56', 'FR')).step.variables.phone).toBe('+32470123456');
    expect((await ask(phone, '+44 7911 123456', 'FR')).step.variables.phone).toBe('+447911123456');
    // Unknown, or not a country with phone numbers: the number needs its code.
    for (const country of [undefined, 'ZZ']) {
      expect((await ask(phone, '06 12 34 56 78', country)).result).toEqual({ type: 'invalid', error: { code: 'validation_failed', message: 'Please write the number with its country code (+33 …)', path: '/value' } });
    }
  });

  it('refuses a number that is not one, at the field, and keeps asking', async () => {
    const { step, result } = await ask({ question: 'Your mobile?', variable: 'phone', format: 'phone', country: 'FR' }, '12');
    expect(result).toEqual({ type: 'invalid', error: { code: 'validation_failed', message: 'This phone number does not look right', path: '/value' } });
    expect(step.writes).toEqual([]);
  });

  it('asks for a birth date in a date field no later than today where the workspace is, and keeps it as YYYY-MM-DD', async () => {
    const { step, entered, result } = await ask({ question: 'Your birth date?', variable: 'born', format: 'date', minAge: 18 }, '01/01/2000');
    // The fake clock says 2026-01-01T00:00Z, the workspace is in UTC.
    expect(entered).toMatchObject({ input: { kind: 'text', format: 'date', max: '2026-01-01', birthDate: true } });
    expect(result).toEqual({ type: 'next', messages: [] });
    expect(step.writes).toEqual([{ table: 'variables', row: { data: { variable: 'born' }, personal: { born: '2000-01-01' } } }]);
  });

  it('turns away someone under the minimum age without keeping their date: to its step, or the flow ends', async () => {
    const young = '2008-01-02';
    const ended = await ask({ question: 'Born?', variable: 'born', format: 'date', minAge: 18 }, young);
    expect(ended.result).toEqual({ type: 'done', messages: [{ kind: 'text', text: 'Sorry, you must be 18 or older to take part.' }] });
    expect(ended.step.writes).toEqual([]);
    expect(ended.step.variables).toEqual({});
    expect(ended.step.events).toEqual(['age_refused']);
    const sent = await ask({ question: 'Born?', variable: 'born', format: 'date', minAge: 18, tooYoungText: 'Under {{minAge}}', tooYoungNext: 'bye' }, young);
    expect(sent.result).toEqual({ type: 'next', messages: [{ kind: 'text', text: 'Under 18' }], next: 'bye' });
    // Eighteen on the day.
    expect((await ask({ question: 'Born?', variable: 'born', format: 'date', minAge: 18 }, '2008-01-01')).result).toEqual({ type: 'next', messages: [] });
  });

  it('offers a date answer to exports as a date, so the age and date filters apply', () => {
    expect(textQuestionModule.fields!({ question: 'Born?', variable: 'born', format: 'date' }, 's')).toMatchObject([{ key: 'born', type: 'date' }]);
    expect(textQuestionModule.fields!({ question: 'Mobile?', variable: 'phone', format: 'phone' }, 's')).toMatchObject([{ key: 'phone', type: 'text' }]);
    expect(textQuestionModule.branches!({ question: 'Born?', variable: 'born', format: 'date', minAge: 18, tooYoungNext: 'bye' })).toEqual([{ step: 'bye', path: '/tooYoungNext' }]);
  });

  it('refuses settings that do not fit the format, at their paths', () => {
    const check = (config: TextQuestionConfig) => configRefusal(textQuestionModule, config, '/steps/0/config');
    expect(check({ question: 'Q', variable: 'v', format: 'phone', country: 'FR' })).toBeUndefined();
    expect(check({ question: 'Q', variable: 'v', format: 'phone', country: 'ZZ' })).toEqual(['Not a country with phone numbers', '/steps/0/config/country']);
    // The United Kingdom is GB.
    expect(check({ question: 'Q', variable: 'v', format: 'phone', country: 'UK' })).toEqual(['Not a country with phone numbers', '/steps/0/config/country']);
    expect(check({ question: 'Q', variable: 'v', country: 'FR' })).toEqual(['A phone country applies to phone numbers only', '/steps/0/config/country']);
    expect(check({ question: 'Q', variable: 'v', format: 'phone', minAge: 18 })).toEqual(['A minimum age applies to dates (birth dates) only', '/steps/0/config/minAge']);
    expect(check({ question: 'Q', variable: 'v', format: 'date', pattern: '\\d+' })).toEqual(['A pattern applies to free text only', '/steps/0/config/pattern']);
  });
});
