import type { CrispRTM } from "../../src/index.js";

/** Waits until `check` returns a truthy value (polling), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = "condition",
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A CrispRTM client (from src/ or from the built bundle). */
export type Listenable = Pick<CrispRTM, "on">;

/** Resolves with the next payload of `name`, or fails after `timeoutMs`. */
export function nextEvent<T = unknown>(target: Listenable, name: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${name}`));
    }, timeoutMs);
    const on = target.on as unknown as (name: string, listener: (payload: T) => void) => () => void;
    const off = on.call(target, name, (payload: T) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}
