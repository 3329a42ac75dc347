/**
 * crisp-rtm/recover: the messages a disconnection lost, read back over Crisp's REST API as the events they would
 * have been (`message:send`, `message:received`). Its own entry, so code that never recovers does not carry it;
 * `CrispRTM`'s `recover: { messages: true }` option runs the same code after each reconnect.
 * @module
 */
import type { MessagePayload } from "./crisp/payloads.js";
import { type RecoverOptions, type Recovery, recoverMessages as recover } from "./rest/recover.js";

/** One recovered message, typed like the socket's own `message:send` / `message:received` events. */
export type RecoveredEvent = { name: "message:send" | "message:received"; payload: MessagePayload };

/**
 * The messages Crisp received during a window (`{ since, until }`, ms since the epoch, e.g. `rtm:ready`'s
 * `downtime`) on the token's websites, as an async iterator of events; `result` says what it did (`count`,
 * `requests`, `truncated`). See {@link RecoverOptions} for the caps, retries and errors.
 */
export function recoverMessages(options: RecoverOptions): Recovery<RecoveredEvent> {
  return recover(options) as unknown as Recovery<RecoveredEvent>;
}

export { isRTMError, RTMError, type RTMErrorCode } from "./core/errors.js";
export type { MessagePayload } from "./crisp/payloads.js";
export type { CrispTier } from "./rest/discover.js";
export type { RecoverOptions, Recovery, RecoveryResult, RecoveryWindow } from "./rest/recover.js";
