/**
 * The messages a subscriber receives on `GET /events`: JSON text frames, each with a `type` discriminant.
 *
 * Order on a new subscription: `hello`, then (with `?since=`) `reset` and/or `gap` when needed, the replayed
 * `event`s and `downtime`s, `live`; from then on live `event`s, `downtime`s and `status` changes. Sequence
 * numbers (of `event` and `downtime`) are global to the hub and only grow: a filtered subscriber sees jumps
 * between them; only `gap` (the hub's log) and `downtime` (Crisp's side) mean something was missed.
 *
 * Two versions ({@link PROTOCOL_VERSIONS}), chosen per subscription with `?protocol=`: version 1 (the default)
 * sends each `event` and `downtime` in a frame of its own; version 2 sends them, replayed and live, inside
 * `batch` frames (one frame per subscriber per batch the hub works through, so a burst costs the hub and the
 * subscriber far fewer frames). Every other message is the same in both.
 */
import type { RTMState } from "crisp-rtm";
import type { DeliverySource } from "crisp-rtm/webhook";
import type { EventFilter } from "./filters.js";

/** The hub's upstream connection: the crisp-rtm client's state, or `stopped` when switched off. */
export type UpstreamState = RTMState | "stopped";

/** The protocol versions a subscriber can ask for with `?protocol=`. */
export const PROTOCOL_VERSIONS = [1, 2] as const;

/** A protocol version: 1 sends one `event` / `downtime` per frame, 2 sends them in {@link BatchMessage}s. */
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/** The version a subscriber gets when it does not ask for one (the one of the first hubs, so they keep working). */
export const DEFAULT_PROTOCOL: ProtocolVersion = 1;

/** First message of every subscription. */
export interface HelloMessage {
  type: "hello";
  /** The protocol version of this subscription (`?protocol=`, default 1). */
  protocol: ProtocolVersion;
  /** The newest sequence number so far (0 before the first event). Remember the last `seq` you handled. */
  seq: number;
  /** The oldest sequence number still in the replay log, or null when it is empty. */
  oldest: number | null;
  /** The upstream state right now. */
  upstream: UpstreamState;
  /** The filter this subscription asked for (`null` fields mean everything). */
  filter: EventFilter;
  /** The narrower filter a ticket imposes, if the subscriber came with one. */
  scope: EventFilter | null;
}

/**
 * One Crisp event. `at` is when the hub received it (ms since epoch); `payload` is Crisp's, untouched (a web
 * hook's `data`). `source` is the transport that brought it first: its copy from the other one is dropped.
 */
export interface EventMessage {
  type: "event";
  seq: number;
  name: string;
  websiteId: string | null;
  at: number;
  source: EventSource;
  payload: Record<string, unknown>;
}

/** Events `from`..`to` (inclusive) were missed and are no longer in the replay log: reconcile over Crisp's REST API. */
export interface GapMessage {
  type: "gap";
  from: number;
  to: number;
}

/** `since` is ahead of the hub's sequence (its storage was reset): the replay restarts from the beginning. */
export interface ResetMessage {
  type: "reset";
  since: number;
  seq: number;
}

/** The replay (if any) is over: `replayed` events were sent; what follows is live. */
export interface LiveMessage {
  type: "live";
  seq: number;
  replayed: number;
}

/**
 * The hub was not receiving Crisp events between `since` and `until` (ms since epoch): a dropped connection,
 * an eviction, a deploy. Crisp never replays them: reconcile that window over Crisp's REST API. Sent to every
 * subscriber whatever its filter, numbered and kept in the replay log like events.
 */
export interface DowntimeMessage {
  type: "downtime";
  seq: number;
  since: number;
  until: number;
  ms: number;
}

/**
 * Version 2 only: consecutive `event`s and `downtime`s, oldest first, each exactly as version 1 sends it alone
 * (with its `seq`). Handle them in order, as if they had come one per frame.
 */
export interface BatchMessage {
  type: "batch";
  frames: (EventMessage | DowntimeMessage)[];
}

/** What brought an event: the socket, a web hook, or the hub's recovery of a downtime over REST. */
export type EventSource = DeliverySource | "recovery";

/**
 * A downtime's messages were read back over Crisp's REST API (see recovery.ts): the `count` that were new went
 * into the sequence as `event`s with `source: "recovery"` (after that downtime's `downtime` message); `truncated`
 * when a cap or an `error` (an RTMError code) left part of the window unread. Not numbered, not replayed.
 */
export interface RecoveredMessage {
  type: "recovered";
  since: number;
  until: number;
  count: number;
  truncated: boolean;
  error?: string;
}

/** The upstream connection changed state (not numbered, not replayed: `hello` carries the current state). */
export interface StatusMessage {
  type: "status";
  upstream: UpstreamState;
  at: number;
}

/** The answer to {@link PING}, sent by the runtime without waking the hub. */
export interface PongMessage {
  type: "pong";
}

/** Every message the hub sends to a subscriber. */
export type HubMessage =
  | HelloMessage
  | EventMessage
  | DowntimeMessage
  | BatchMessage
  | GapMessage
  | ResetMessage
  | LiveMessage
  | StatusMessage
  | RecoveredMessage
  | PongMessage;

/** The only message a subscriber sends: a keep-alive, answered with {@link PONG}. Send it exactly as written. */
export const PING = '{"type":"ping"}';

/** The answer to {@link PING}. */
export const PONG = '{"type":"pong"}';

/** Serializes a message for a subscriber. */
export function encode(message: HubMessage): string {
  return JSON.stringify(message);
}

/** A {@link BatchMessage} made of `event` / `downtime` messages already encoded: each is serialised once, whatever the number of batches it goes into. */
export function encodeBatch(encodedFrames: readonly string[]): string {
  return `{"type":"batch","frames":[${encodedFrames.join(",")}]}`;
}
