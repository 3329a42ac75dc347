/** Why a Socket.IO session ended. The names follow socket.io-client's where one exists. */
export type SessionCloseReason =
  | "io client disconnect"
  | "io server disconnect"
  | "transport close"
  | "transport error"
  | "ping timeout"
  | "open timeout"
  | "connect timeout"
  | "connect error"
  | "parse error"
  | "payload too large";

/** What a session reports when it ends (exactly once). */
export interface SessionClose {
  reason: SessionCloseReason;
  /** A readable explanation, safe to log. */
  description: string;
  /** True when the namespace had been connected before the end. */
  wasConnected: boolean;
  /** The underlying error, if any. */
  cause?: unknown;
}
