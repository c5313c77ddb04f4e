import { element } from '../shadow-mount.js';
import type { WidgetStrings } from '../widget-strings.js';

/** A running countdown: its element, and a pause while a reply is on its way. */
export interface QuestionTimer {
  readonly node: HTMLElement;
  setPaused(paused: boolean): void;
}

/**
 * The countdown of a timed question (`timeLimitSeconds`): "8 s left", each second, as a `timer`
 * (assistive technology reads it when asked, without interrupting); at zero it says so and calls
 * `onTimeUp` once. It stops when its element leaves the page (the next turn replaced it); while
 * paused (an answer on its way) it neither shows nor ends, though its deadline stands. The server keeps the time that counts; this
 * is what the participant sees of it.
 */
export function questionTimer(seconds: number, strings: WidgetStrings, onTimeUp: () => void): QuestionTimer {
  const node = element('p', 'question-timer', { role: 'timer' });
  const deadline = performance.now() + seconds * 1000;
  let paused = false;
  let shown = false;
  const show = (left: number) => (node.textContent = left > 0 ? strings.secondsLeft(left) : strings.timeUp);
  show(seconds);
  const interval = setInterval(() => {
    if (node.isConnected) shown = true;
    // Gone from the page (or never on it by the deadline): nothing left to count.
    else if (shown || performance.now() >= deadline) return clearInterval(interval);
    else return;
    if (paused) return;
    const left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
    show(left);
    if (left === 0) {
      clearInterval(interval);
      onTimeUp();
    }
  }, 250);
  return {
    node,
    setPaused(value) {
      paused = value;
    },
  };
}
