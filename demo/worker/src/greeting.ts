import { encode, type UpstreamState } from "./protocol.js";
import type { ReplayLog } from "./replay-log.js";
import { wants, type Subscription } from "./subscription.js";

/**
 * The messages a new subscription starts with: `hello`; with `since`, a `reset` when `since` is ahead of the
 * hub, a `gap` for what fell out of the log, the kept entries it wants; then `live`.
 */
export function greeting(log: ReplayLog, subscription: Subscription, upstream: UpstreamState): string[] {
  const last = log.lastSeq;
  const oldest = log.oldestSeq();
  const messages = [encode({ type: "hello", seq: last, oldest, upstream, filter: subscription.filter, scope: subscription.scope })];
  let replayed = 0;
  if (subscription.since !== null) {
    let since = subscription.since;
    if (since > last) {
      messages.push(encode({ type: "reset", since, seq: last }));
      since = 0;
    }
    const firstKept = oldest ?? last + 1;
    if (since + 1 < firstKept) messages.push(encode({ type: "gap", from: since + 1, to: firstKept - 1 }));
    for (const entry of log.after(since)) {
      if (!wants(subscription, entry)) continue;
      messages.push(entry.message);
      replayed += 1;
    }
  }
  messages.push(encode({ type: "live", seq: last, replayed }));
  return messages;
}
