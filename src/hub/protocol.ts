/**
 * What a hub (`demo/worker/`) sends on `GET /events`, as the client reads it: JSON text frames with a `type`.
 * With `?protocol=2` the hub may pack several numbered frames into one `batch` frame; {@link unpackFrames}
 * opens them, so the rest of the client sees one frame at a time whatever the hub's version.
 */

/** The hub's upstream (Crisp) connection state, as it reports it: a crisp-rtm state, or `stopped`. */
export type HubUpstreamState =
  | "idle"
  | "discovering"
  | "connecting"
  | "authenticating"
  | "ready"
  | "reconnecting"
  | "closed"
  | "stopped";

/** One frame of the hub's protocol (v1, or one entry of a v2 batch). Unknown types are ignored. */
export type HubFrame =
  | { type: "hello"; seq: number; oldest: number | null; upstream: HubUpstreamState; protocol?: number }
  | {
      type: "event";
      seq: number;
      name: string;
      websiteId: string | null;
      at: number;
      source?: string;
      payload: Record<string, unknown>;
    }
  | { type: "downtime"; seq: number; since: number; until: number; ms: number }
  | { type: "gap"; from: number; to: number }
  | { type: "reset"; since: number; seq: number }
  | { type: "live"; seq: number; replayed: number }
  | { type: "status"; upstream: HubUpstreamState; at: number }
  | { type: "recovered"; since: number; until: number; count: number; truncated: boolean; error?: string }
  | { type: "pong" };

/** The keep-alive the hub answers with `{"type":"pong"}` (without waking its Durable Object). */
export const PING_FRAME = '{"type":"ping"}';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** Numbered frames must carry a sequence number (without one, exactly-once cannot hold); events a name and payload. */
const wellFormed = (frame: unknown): boolean =>
  isObject(frame) &&
  typeof frame.type === "string" &&
  (frame.type !== "event" || (typeof frame.name === "string" && isObject(frame.payload))) &&
  (!/^(event|downtime|hello|live|reset)$/.test(frame.type) || Number.isSafeInteger(frame.seq));

/**
 * Parses one text message into frames: a v1 frame, or the frames of a v2 `batch`, in order. Returns null for
 * anything that is not JSON of the expected shape (the caller reports it); a malformed entry inside a batch
 * makes the whole message malformed rather than silently skipping a numbered event.
 */
export function unpackFrames(text: unknown): HubFrame[] | null {
  try {
    const message = JSON.parse(String(text));
    const frames: unknown = message?.type === "batch" ? message.frames : [message];
    return Array.isArray(frames) && frames.every(wellFormed) ? (frames as HubFrame[]) : null;
  } catch {
    return null;
  }
}
