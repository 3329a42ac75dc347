/** One diagnostic line. crisp-rtm never puts a token identifier or key into one. */
export interface RTMLogEntry {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  data?: Record<string, unknown>;
}

/** Receives diagnostics when passed as the `logger` option (e.g. `(e) => console.debug(e.message, e.data)`). */
export type RTMLogger = (entry: RTMLogEntry) => void;
