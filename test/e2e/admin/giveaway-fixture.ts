import { sql } from 'kysely';
import { expect } from 'vitest';
import { TestVisitor } from '../../support/flow-harness.js';
import type { TestStorage } from '../../support/test-database.js';
import { api } from '../../support/test-server.js';
import type { RunningServer } from '../../../runtime/server.js';

/** A participant of the seeded giveaway: who they are and whether they opted in and won. */
export interface SeededParticipant {
  readonly email: string;
  readonly optIn: boolean;
  readonly participantRef: string;
  readonly won: boolean;
}

export const SPRING_GAME_FLOW = {
  name: 'Spring game',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'optin' },
    { id: 'optin', module: 'consent', config: { label: 'Send me news' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'once' } },
  ],
};

/**
 * A giveaway flow (`spring`: email, opt-in consent, raffle entry) saved through the API, eight
 * visitors who complete it through the flow engine (six opt in, two decline), and a draw of three
 * winners through the API. Whatever the draw picks, at least one winner opted in and at least
 * three people who opted in did not win, so "winners only" and the opt-in condition both matter.
 */
export async function seedGiveaway(server: RunningServer, storage: TestStorage, workspaceId: string, key: string): Promise<SeededParticipant[]> {
  const saved = await api(server.url, key, 'PUT', '/api/v1/flows/spring', SPRING_GAME_FLOW);
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  const people = ['ann', 'bob', 'cy', 'dan', 'eve', 'fay', 'gus', 'hal'].map((name, i) => ({ email: `${name}@example.org`, optIn: i !== 1 && i !== 4 }));
  const refs = new Map<string, string>();
  for (const person of people) {
    const visitor = new TestVisitor(server.engine, workspaceId, 'spring');
    await visitor.start();
    await visitor.answer(person.email);
    await visitor.answer(person.optIn);
    const session = await sql<{ participant_ref: string }>`select participant_ref from chat_sessions where id = ${visitor.sessionId}`.execute(storage.db);
    refs.set(person.email, session.rows[0]!.participant_ref);
    storage.clock.advance(60_000);
  }
  const draw = await api(server.url, key, 'POST', '/api/v1/flows/spring/draws', { count: 3 });
  expect(draw.status, JSON.stringify(draw.body)).toBe(201);
  const winners = new Set((draw.body.winners as Array<{ participantRef: string }>).map((w) => w.participantRef));
  expect(winners.size).toBe(3);
  return people.map((person) => ({ ...person, participantRef: refs.get(person.email)!, won: winners.has(refs.get(person.email)!) }));
}
