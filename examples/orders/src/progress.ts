// The progress line: one bar redrawn in place on a terminal, a few plain lines otherwise (CI logs,
// pipes). Other output goes through `log` so that it never lands in the middle of the bar.

const WIDTH = 30;
const REDRAW_MS = 50;

export interface Progress {
  /** Records the counts; the bar is redrawn at most every 50 ms. */
  update(published: number, processed: number): void;
  /** Prints a line above the bar. */
  log(line: string): void;
  /** Draws the final state and leaves the bar on its own line. */
  finish(): void;
}

/** `processed` as █, published but not yet processed as ▒, the rest as ░. */
export function renderBar(total: number, published: number, processed: number): string {
  const done = Math.round((Math.min(processed, total) / total) * WIDTH);
  const sent = Math.max(done, Math.round((Math.min(published, total) / total) * WIDTH));
  return `${"█".repeat(done)}${"▒".repeat(sent - done)}${"░".repeat(WIDTH - sent)}`;
}

export function createProgress(total: number, out: NodeJS.WriteStream = process.stdout): Progress {
  const started = performance.now();
  let published = 0;
  let processed = 0;
  let drawnAt = 0;
  let finished = false;
  const text = () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return `orders ${renderBar(total, published, processed)} published ${published}/${total}  processed ${processed}/${total}  ${seconds}s`;
  };

  if (out.isTTY) {
    const draw = () => {
      drawnAt = performance.now();
      out.write(`\r\x1b[K${text()}`);
    };
    return {
      update(p, d) {
        published = p;
        processed = d;
        if (!finished && performance.now() - drawnAt >= REDRAW_MS) draw();
      },
      log(line) {
        out.write(`\r\x1b[K${line}\n`);
        if (!finished && drawnAt > 0) draw();
      },
      finish() {
        if (finished) return;
        draw();
        finished = true;
        out.write("\n");
      },
    };
  }

  // Not a terminal: a line at each quarter of the processed count.
  let quarter = 0;
  return {
    update(p, d) {
      published = p;
      processed = d;
      const reached = Math.floor((Math.min(processed, total) / total) * 4);
      if (!finished && reached > quarter && reached < 4) {
        quarter = reached;
        out.write(`${text()}\n`);
      }
    },
    log(line) {
      out.write(`${line}\n`);
    },
    finish() {
      if (finished) return;
      finished = true;
      out.write(`${text()}\n`);
    },
  };
}
