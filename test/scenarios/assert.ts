/** A few assertions that run the same in every runtime (browser, Deno, workerd, Node). */
export class AssertionError extends Error {
  override name = "AssertionError";
}

/** Fails unless `value` is truthy. */
export function ok(value: unknown, message = "expected a truthy value"): asserts value {
  if (!value) throw new AssertionError(message);
}

/** Fails unless `actual === expected`. */
export function equal<T>(actual: T, expected: T, message?: string): void {
  if (actual !== expected) {
    throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Fails unless both values serialise to the same JSON. */
export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new AssertionError(message ?? `expected ${b}, got ${a}`);
}

/** Fails unless `promise` rejects; returns the rejection for more checks. */
export async function rejects(promise: Promise<unknown>, message = "expected a rejection"): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new AssertionError(message);
}

/** Every text an error (or any value) exposes: message, stack, causes (three levels) and own fields. */
export function errorText(error: unknown, depth = 0): string {
  if (depth > 3 || error === undefined || error === null) return "";
  if (typeof error !== "object") return String(error);
  const parts: string[] = [];
  const record = error as { message?: unknown; stack?: unknown; cause?: unknown };
  parts.push(String(record.message ?? ""), String(record.stack ?? ""));
  try {
    parts.push(JSON.stringify(error));
  } catch {
    parts.push(String(error));
  }
  parts.push(errorText(record.cause, depth + 1));
  return parts.join("\n");
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
