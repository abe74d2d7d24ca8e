import type { ReplayEvent } from './recording.ts';

/** What Player.svelte hands to its page once the first frame is on screen. */
export interface PlayerControls {
  /** Jumps to `offsetMs` from the first event; plays from there when `play` is true, else keeps the state. */
  goto(offsetMs: number, play?: boolean): void;
  /** Appends events fetched after the player was created. */
  addEvents(events: ReplayEvent[]): void;
  /** Offset of the playhead, ms from the first event. */
  currentTime(): number;
  /** Length of the events loaded so far, ms. */
  totalTime(): number;
}
