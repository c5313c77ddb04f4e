import { defineModule, type StepContext } from '../../core/module-contract.js';
import { STEP_REFERENCE, VARIABLE_NAME, listOf } from '../../core/config-schema-parts.js';
import { ConfigError } from '../../core/errors.js';
import { COMPARISONS, FACTS, ORDERED, VALUELESS, orderedValue, passes, type ConditionTest, type Fact } from './condition-comparisons.js';

/** A fact of the visitor, as text a test compares (`device`: mobile or desktop); undefined when the handshake did not show it. */
export function factOf(fact: Fact, session: StepContext<unknown>['session']): string | undefined {
  const device = session.device ?? {};
  switch (fact) {
    case 'country':
      return session.country;
    case 'device':
      return device.mobile === undefined ? undefined : device.mobile ? 'mobile' : 'desktop';
    case 'page':
      return device.originUrl;
    default:
      return device[fact];
  }
}

/** A rule: its tests, all or any of which must pass, and the step it leads to. */
export interface ConditionRule {
  readonly when: readonly ConditionTest[];
  /** `all` (the default): every test must pass; `any`: one is enough. */
  readonly match?: 'all' | 'any';
  /** The step it leads to; without it, the step's own next step. */
  readonly next?: string;
}

export interface ConditionConfig {
  readonly rules: readonly ConditionRule[];
}

/**
 * Goes to a step depending on what the session knows: an answer, a quiz score, a rating, a
 * host-page variable such as `utm_source`, or what the handshake showed of the visitor (country,
 * language, device, platform, browser, page). The first rule that holds decides; when none does,
 * the step's own next step follows. Says nothing, stores nothing and never waits.
 */
export const conditionModule = defineModule<ConditionConfig>({
  id: 'condition',
  title: 'Condition',
  description: 'Goes to a step depending on a variable (an answer, a score, what the host page passed such as utm_source) or the visitor’s country, language, device or page. Says nothing and stores nothing.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      rules: listOf('Rules', 'Tried in order (1 to 20): the first that holds decides where the flow goes; when none does, the step’s own next step follows.', { min: 1, max: 20 }, {
        required: ['when'],
        properties: {
          when: listOf('Tests', 'What the rule checks (1 to 10). Text is compared without regard to case.', { min: 1, max: 10 }, {
            required: ['comparison'],
            properties: {
              variable: { ...VARIABLE_NAME, title: 'Variable', description: 'A session variable: an answer (email, a choice’s variable, quiz_score), or one the host page passed (utm_source). Name a variable or a visitor fact.' },
              fact: { title: 'Visitor fact', description: 'What the chat’s handshake showed of the visitor, instead of a variable: a hint, never proof.', type: 'string', oneOf: FACTS.map((f) => ({ ...f })) },
              comparison: { title: 'Comparison', description: 'How the variable is compared with the value.', type: 'string', oneOf: COMPARISONS.map((c) => ({ ...c })) },
              value: { title: 'Value', description: 'What the variable is compared with: a number or a date (YYYY-MM-DD) for greater and less than; none for is set and is not set.', type: 'string', minLength: 1, maxLength: 500 },
            },
          }),
          match: { title: 'Match', description: 'all: every test must pass; any: one is enough.', type: 'string', enum: ['all', 'any'], default: 'all' },
          next: { ...STEP_REFERENCE, title: 'Go to step', description: 'Where the flow goes when the rule holds; without it, the step’s own next step.' },
        },
      }),
    },
  },
  checkConfig(config, path) {
    config.rules.forEach((rule, i) => {
      rule.when.forEach((test, j) => {
        const at = `${path}/rules/${i}/when/${j}`;
        if ((test.variable === undefined) === (test.fact === undefined)) throw new ConfigError('Name either a variable or a visitor fact', `${at}/variable`);
        if (VALUELESS.has(test.comparison)) {
          if (test.value !== undefined) throw new ConfigError('"is set" and "is not set" take no value: leave the value empty', `${at}/value`);
        } else if (test.value === undefined) {
          throw new ConfigError('This comparison needs a value', `${at}/value`);
        } else if (ORDERED.has(test.comparison) && orderedValue(test.value) === undefined) {
          throw new ConfigError('Greater and less than compare numbers or dates: write a number (18) or a date (2026-05-01)', `${at}/value`);
        }
      });
    });
  },
  tables: {},
  branches: (config) => config.rules.flatMap((rule, i) => (rule.next ? [{ step: rule.next, path: `/rules/${i}/next` }] : [])),
  async handleStep(_input, ctx) {
    const value = (test: ConditionTest) => passes(test, test.fact ? factOf(test.fact, ctx.session) : ctx.variables.get(test.variable!));
    const chosen = ctx.config.rules.find((rule) => (rule.match === 'any' ? rule.when.some(value) : rule.when.every(value)));
    return { type: 'next', messages: [], ...(chosen?.next && { next: chosen.next }) };
  },
});
