// @ts-check
/**
 * The Crisp RTM event catalog (RTM reference v1, 82 names) and the tier rules that decide which
 * events a token may receive.
 */

/** @typedef {"plugin" | "user" | "website"} Tier */

/** Every event name of the RTM reference, in catalog order. */
export const EVENT_NAMES = Object.freeze([
  "session:update_availability",
  "session:update_verify",
  "session:request:initiated",
  "session:set_email",
  "session:set_phone",
  "session:set_address",
  "session:set_subject",
  "session:set_avatar",
  "session:set_nickname",
  "session:set_origin",
  "session:set_data",
  "session:sync:pages",
  "session:sync:events",
  "session:sync:capabilities",
  "session:sync:geolocation",
  "session:sync:system",
  "session:sync:network",
  "session:sync:timezone",
  "session:sync:locales",
  "session:sync:rating",
  "session:sync:topic",
  "session:set_state",
  "session:set_block",
  "session:set_segments",
  "session:set_opened",
  "session:set_closed",
  "session:set_participants",
  "session:set_mentions",
  "session:set_routing",
  "session:set_inbox",
  "session:removed",
  "session:error",
  "message:updated",
  "message:send",
  "message:received",
  "message:removed",
  "message:compose:send",
  "message:compose:receive",
  "message:acknowledge:read:send",
  "message:acknowledge:read:received",
  "message:acknowledge:unread:send",
  "message:acknowledge:delivered",
  "message:acknowledge:ignored",
  "message:notify:unread:send",
  "message:notify:unread:received",
  "spam:message",
  "spam:decision",
  "people:profile:created",
  "people:profile:updated",
  "people:profile:removed",
  "people:bind:session",
  "people:sync:profile",
  "people:import:progress",
  "people:import:done",
  "campaign:progress",
  "campaign:dispatched",
  "campaign:running",
  "browsing:request:initiated",
  "browsing:request:rejected",
  "call:request:initiated",
  "call:request:rejected",
  "identity:verify:request",
  "widget:action:processed",
  "status:health:changed",
  "website:update_visitors_count",
  "website:update_operators_availability",
  "website:users:available",
  "bucket:url:upload:generated",
  "bucket:url:avatar:generated",
  "bucket:url:website:generated",
  "bucket:url:campaign:generated",
  "bucket:url:helpdesk:generated",
  "bucket:url:status:generated",
  "bucket:url:processing:generated",
  "media:animation:listed",
  "email:subscribe",
  "email:track:view",
  "plugin:channel",
  "plugin:event",
  "plugin:subscription:updated",
  "plugin:settings:saved",
  "plan:subscription:updated",
]);

const KNOWN = new Set(EVENT_NAMES);

/** Prefixes and names of events that only a `user` token receives. */
const USER_ONLY_PREFIXES = ["spam:", "people:import:", "campaign:"];
const USER_ONLY_NAMES = new Set(["widget:action:processed", "status:health:changed", "media:animation:listed"]);

/** Events that only a `plugin` token receives. */
const PLUGIN_ONLY_NAMES = new Set(["identity:verify:request"]);

/** The token tiers the emulator knows. */
export const TIERS = Object.freeze(/** @type {Tier[]} */ (["plugin", "user", "website"]));

/**
 * Whether `name` belongs to the RTM catalog.
 * @param {string} name
 */
export function isKnownEvent(name) {
  return KNOWN.has(name);
}

/**
 * Whether a token of `tier` may receive `name`. Unknown names are allowed for every tier, so a
 * test can check how a client copes with an event it has never heard of. The `website` tier gets
 * neither user-only nor plugin-only events (an assumption: Crisp does not document it).
 * @param {Tier} tier
 * @param {string} name
 */
export function tierAllows(tier, name) {
  const userOnly = USER_ONLY_NAMES.has(name) || USER_ONLY_PREFIXES.some((p) => name.startsWith(p));
  const pluginOnly = PLUGIN_ONLY_NAMES.has(name);
  if (tier === "user") return !pluginOnly;
  if (tier === "plugin") return !userOnly;
  return !userOnly && !pluginOnly;
}

/**
 * The catalog events a token of `tier` receives when it subscribes to "everything".
 * @param {Tier} tier
 * @returns {string[]}
 */
export function eventsForTier(tier) {
  return EVENT_NAMES.filter((name) => tierAllows(tier, name));
}
