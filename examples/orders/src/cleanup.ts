// Undo steps, run once in reverse order of registration: whatever the demo set up is taken down,
// whether it finished, failed or was interrupted.

export class Cleanup {
  readonly #steps: { what: string; undo: () => Promise<unknown> }[] = [];
  #ran: Promise<string[]> | undefined;

  add(what: string, undo: () => Promise<unknown>): void {
    this.#steps.push({ what, undo });
  }

  /** Runs every step (later ones first), each even when an earlier one failed; returns the failures. */
  run(): Promise<string[]> {
    this.#ran ??= (async () => {
      const failures: string[] = [];
      for (const { what, undo } of this.#steps.reverse()) {
        try {
          await undo();
        } catch (err) {
          failures.push(`${what}: ${(err as Error).message}`);
        }
      }
      return failures;
    })();
    return this.#ran;
  }
}
