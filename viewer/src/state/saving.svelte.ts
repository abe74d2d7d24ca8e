/**
 * One inline setting's save: whether it is under way, the server's refusal to show, and whether the last one went
 * through (for a "Saved." beside the button until the field is edited again).
 */
export class Saving {
  busy = $state(false);
  error = $state<string | null>(null);
  saved = $state(false);

  /** The field was edited: the last outcome no longer describes it. */
  edited(): void {
    this.error = null;
    this.saved = false;
  }

  /** Runs the save; a rejection's message is kept to show, never thrown. */
  async run(save: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.edited();
    try {
      await save();
      this.saved = true;
    } catch (failure) {
      this.error = failure instanceof Error ? failure.message : String(failure);
    } finally {
      this.busy = false;
    }
  }
}
