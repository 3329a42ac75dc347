import { ApiError } from "./http.js";

/** Which events a subscriber (or the upstream) wants; `null` means everything. */
export interface EventFilter {
  /** Event names; for subscribers an entry may end with `*` (`message:*`, or `*` alone) to match a prefix. */
  events: string[] | null;
  /** Website ids; an event without a `website_id` only reaches filters whose `websites` is null. */
  websites: string[] | null;
}

const MAX_ENTRIES = 100;
const EVENT_PATTERN = /^(?:[a-z0-9_.:-]{1,80}\*?|\*)$/i;
const EVENT_NAME = /^[a-z0-9_.:-]{1,80}$/i;
const WEBSITE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether subscriber patterns are allowed (`message:*`) or only exact names (the upstream filters). */
export type NameRule = "patterns" | "exact";

function checkList(values: readonly unknown[], field: string, valid: RegExp): string[] {
  if (values.length > MAX_ENTRIES) throw new ApiError("bad_request", `${field}: at most ${MAX_ENTRIES} entries`);
  for (const value of values) {
    if (typeof value !== "string" || !valid.test(value)) throw new ApiError("bad_request", `${field}: invalid entry`);
  }
  return [...new Set(values as string[])];
}

function eventRule(rule: NameRule): RegExp {
  return rule === "patterns" ? EVENT_PATTERN : EVENT_NAME;
}

/** Parses a comma-separated list (a query parameter or a var); empty or absent means `null` (everything). */
export function parseCsv(
  value: string | null | undefined,
  field: "events" | "websites",
  rule: NameRule,
): string[] | null {
  const entries = (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) return null;
  return checkList(entries, field, field === "events" ? eventRule(rule) : WEBSITE_ID);
}

/** Parses one field of a JSON body: an array of strings, `null` (everything) or absent (`undefined`). */
export function parseJsonList(
  value: unknown,
  field: "events" | "websites",
  rule: NameRule,
): string[] | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Array.isArray(value)) throw new ApiError("bad_request", `${field} must be an array of strings or null`);
  return checkList(value, field, field === "events" ? eventRule(rule) : WEBSITE_ID);
}

function nameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** True when an event passes the filter. */
export function matches(filter: EventFilter, name: string, websiteId: string | null): boolean {
  if (filter.events && !filter.events.some((pattern) => nameMatches(pattern, name))) return false;
  if (filter.websites && (websiteId === null || !filter.websites.includes(websiteId))) return false;
  return true;
}
