import { RTMError } from "../core/errors.js";

/**
 * JSON with object keys sorted at every level, so that two equal payloads serialise alike whatever their key
 * order. Follows `JSON.stringify` for everything else; throws `invalid_options` on a cycle.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? "null";
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (ancestors.has(value)) throw new RTMError("invalid_options", "the event payload contains a cycle");
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => write(item, ancestors) ?? "null").join(",")}]`;
    const fields: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const text = write((value as Record<string, unknown>)[key], ancestors);
      if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${fields.join(",")}}`;
  } finally {
    ancestors.delete(value);
  }
}
