// The page events delivery follows: hidden (beacon what fits, save the
// queue synchronously), shown again (settle beacons, adopt closed tabs'
// queues), pageshow, online, and a periodic look for queues left by tabs
// closed while this one lives. Returns the functions that stop listening.
import { isBrowser } from '../env.js';

/** How often a live page looks for queues left by closed tabs (also on becoming visible, and online). */
export const ADOPT_EVERY_MS = 30000;

export interface PageHandlers {
  hidden(): void;
  shown(): void;
  pageshow(): void;
  online(): void;
  adoptTick(): void;
}

export function listenToPage(h: PageHandlers, safely: (fn: () => void) => void): Array<() => void> {
  if (!isBrowser()) return [];
  const offs: Array<() => void> = [];
  const on = (target: EventTarget, type: string, fn: () => void) => {
    const handler = () => safely(fn);
    target.addEventListener(type, handler);
    offs.push(() => target.removeEventListener(type, handler));
  };
  on(document, 'visibilitychange', () => (document.visibilityState === 'hidden' ? h.hidden() : h.shown()));
  on(window, 'pagehide', () => h.hidden());
  on(window, 'pageshow', () => h.pageshow());
  on(window, 'online', () => h.online());
  const every = setInterval(() => safely(() => h.adoptTick()), ADOPT_EVERY_MS);
  offs.push(() => clearInterval(every));
  return offs;
}
