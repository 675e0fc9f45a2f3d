import { readdir, readFile } from "node:fs/promises";

/**
 * Whether every thread of process `pid` is in state `state` (`"T"`: stopped by a signal; any
 * other letter of /proc's `stat`), read from /proc (Linux). `undefined` where /proc is missing.
 */
async function allThreadsIn(
  pid: number,
  state: (s: string) => boolean,
): Promise<boolean | undefined> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const tid of tasks) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, "utf8");
      // "tid (comm) S …": the state follows the last ")" (comm may hold spaces or parentheses).
      const s = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (!state(s)) return false;
    } catch {
      // A thread that exited meanwhile is not running.
    }
  }
  return true;
}

/**
 * Waits until a SIGSTOP has really stopped every thread of `pid` (or SIGCONT woken them):
 * `kill()` returns before a busy multi-threaded process has stopped, and a request sent in that
 * window was still answered. Polls /proc every millisecond, for at most `timeoutMs`; without
 * /proc (macOS), waits 50 ms.
 */
export async function waitForStopState(
  pid: number,
  stopped: boolean,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await allThreadsIn(pid, (s) => (s === "T" || s === "t") === stopped);
    if (done === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return;
    }
    if (done || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
