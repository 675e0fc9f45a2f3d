import type { ConsumerMessages } from "@nats-io/jetstream";
import { type PullErrorContext, type StatusProblem, statusProblem } from "./errors.js";
import { reportStatusProblem } from "./operation.js";
import { DEFAULT_MAX_MISSED_HEARTBEATS } from "./pull-options.js";
import type { PullOptions, PullTarget } from "./types.js";

/**
 * Follows the notifications of a running pull (`consume` or `messages()`): each goes to
 * `onStatus`; each problem passes through the stack as `consumer.status`, then to `onProblem`.
 * Notifications that arrive while `ignored()` holds (the pull is stopping) reach only `onStatus`.
 */
export function followStatus(
  messages: ConsumerMessages,
  target: PullTarget,
  ctx: PullErrorContext,
  options: Pick<PullOptions, "onStatus" | "maxMissedHeartbeats">,
  onProblem: (problem: StatusProblem) => void,
  ignored: () => boolean = () => false,
): void {
  const limit = options.maxMissedHeartbeats ?? DEFAULT_MAX_MISSED_HEARTBEATS;
  void (async () => {
    for await (const status of messages.status()) {
      try {
        options.onStatus?.(status);
      } catch {
        // a failing status callback must not end the pull
      }
      if (ignored()) continue;
      const problem = await statusProblem(status, target, ctx, limit);
      if (problem === undefined) continue;
      await reportStatusProblem(target.conn, ctx, status, problem);
      onProblem(problem);
    }
  })().catch(() => {});
}
