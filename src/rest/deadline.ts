/** An AbortSignal that fires when `parent` aborts or after `timeoutMs`, and tells which one happened. */
export interface Deadline {
  signal: AbortSignal;
  /** True once the timeout (not the parent) fired. */
  readonly timedOut: boolean;
  /** Clears the timer and the parent listener. */
  dispose(): void;
}

/** Creates a {@link Deadline} from timers and AbortController only (no `AbortSignal.any`, for older runtimes). */
export function createDeadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
