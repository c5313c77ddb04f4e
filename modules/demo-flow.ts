/**
 * The demo flow seeded on the first start: "Hello World", then Red pill / Blue pill.
 * Red → a link → email → consent → giveaway ("You're in the draw").
 * Blue → email → instant win (tells win or lose).
 */
export function demoFlowDocument(now: Date): Record<string, unknown> {
  const opensAt = new Date(now.getTime() - 60_000);
  const closesAt = new Date(now.getTime() + 365 * 86_400_000);
  return {
    name: 'Hello World',
    opensAt: opensAt.toISOString(),
    closesAt: closesAt.toISOString(),
    steps: [
      { id: 'hello', module: 'message', config: { text: 'Hello World' }, next: 'pill' },
      {
        id: 'pill',
        module: 'choice',
        config: { text: 'Which pill do you take?', options: [{ id: 'red', label: 'Red pill', next: 'red-link' }, { id: 'blue', label: 'Blue pill', next: 'blue-email' }] },
      },
      { id: 'red-link', module: 'link', config: { text: 'Follow the white rabbit.', label: 'Read the rules', url: 'https://example.org/rules', continueLabel: 'Continue' }, next: 'red-email' },
      { id: 'red-email', module: 'email-capture', config: { question: 'What is your email address?' }, next: 'red-consent' },
      { id: 'red-consent', module: 'consent', config: { label: 'I agree to receive news from the Demo brand', termsUrl: 'https://example.org/terms', termsLabel: 'Terms' }, next: 'red-giveaway' },
      { id: 'red-giveaway', module: 'giveaway', config: { frequency: 'once', confirmText: "You're in the draw", alreadyText: 'You are already in the draw with this email.' } },
      { id: 'blue-email', module: 'email-capture', config: { question: 'What is your email address?' }, next: 'blue-instant-win' },
      {
        id: 'blue-instant-win',
        module: 'instant-win',
        config: { prizes: [{ id: 'mug', title: 'A Parley mug', stock: 100 }], winText: 'You won {{prize}}!', loseText: 'Not this time. Thanks for playing!' },
      },
    ],
  };
}
