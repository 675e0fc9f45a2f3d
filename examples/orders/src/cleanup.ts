// Undo steps, run once in reverse order of registration: whatever the demo set up is taken down,
// whether it finished, failed or was interrupted.

/** Longest wait for one step: a step against a server that is gone must not hang the exit. */
const STEP_TIMEOUT_MS = 5_000;

class StepTimeout extends Error {
  override readonly name = "StepTimeout";
}

async function withTimeout(undo: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StepTimeout(`no answer in ${STEP_TIMEOUT_MS / 1000} s`)),
      STEP_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([undo(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

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
          await withTimeout(undo);
        } catch (err) {
          failures.push(`${what}: ${(err as Error).message}`);
        }
      }
      return failures;
    })();
    return this.#ran;
  }
}
