import { describe, expect, it } from 'vitest';
import { ModuleRegistry } from '../../core/module-registry.js';
import { defineModule, type ModuleDefinition } from '../../core/module-contract.js';
import { MODULES } from '../../modules/index.js';

const counting = (statistics: ModuleDefinition['statistics']) =>
  defineModule({
    id: 'counting',
    title: 'Counting',
    description: 'Counts.',
    configSchema: { type: 'object', additionalProperties: false, properties: {} },
    tables: { participations: { retentionDays: 30, holds: 'Entries' } },
    statistics,
    async handleStep() {
      return { type: 'done', messages: [] };
    },
  });

describe('module registry', () => {
  it('refuses a statistic counted from a table the module does not declare, naming it', () => {
    expect(() => new ModuleRegistry([counting({ giveawayEntries: 'winners' })])).toThrow(expect.objectContaining({ path: '/modules/counting/statistics/giveawayEntries' }));
    expect(new ModuleRegistry([counting({ giveawayEntries: 'participations' })]).get('counting')?.definition.statistics).toEqual({ giveawayEntries: 'participations' });
    expect(() => new ModuleRegistry([counting({ loyaltyCards: { table: 'loyalty', whenTrue: 'completed' } })])).toThrow(expect.objectContaining({ path: '/modules/counting/statistics/loyaltyCards' }));
  });

  it('knows which modules count wins, entries, stamps and quizzes', () => {
    const counted = Object.fromEntries(MODULES.filter((m) => m.statistics).map((m) => [m.id, m.statistics]));
    expect(counted).toEqual({
      giveaway: { giveawayEntries: 'participations' },
      'instant-win': { instantWinWins: 'winners' },
      loyalty: { loyaltyStamps: 'loyalty', loyaltyCards: { table: 'loyalty', whenTrue: 'completed' } },
      quiz: { quizzesCompleted: 'variables', quizzesPassed: { table: 'variables', whenTrue: 'passed' } },
      rating: { ratings: 'variables', ratingsHigh: { table: 'variables', whenTrue: 'high' }, ratingsLow: { table: 'variables', whenTrue: 'low' } },
    });
  });
});
