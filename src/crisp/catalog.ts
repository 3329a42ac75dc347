import type { CrispTier } from "../rest/discover.js";

/** Every event name of the Crisp RTM API (RTM reference v1), in the order of the reference. */
export const RTM_EVENTS = [
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
] as const;

/** A Crisp RTM event name. */
export type RTMEventName = (typeof RTM_EVENTS)[number];

/** The token tiers Crisp knows. */
export type RTMTier = CrispTier;

/** Events that only `user` tokens receive (the `spam:*`, `people:import:*` and `campaign:*` ones, and three more). */
export const USER_TIER_ONLY_EVENTS: readonly RTMEventName[] = RTM_EVENTS.filter((name) =>
  /^(spam:|people:import:|campaign:|widget:action:processed$|status:health:changed$|media:animation:listed$)/.test(
    name,
  ),
);

/** Events that only `plugin` tokens receive. */
export const PLUGIN_TIER_ONLY_EVENTS: readonly RTMEventName[] = ["identity:verify:request"];

/** True when `name` is one of the 82 catalogued Crisp event names. */
export function isRTMEventName(name: string): name is RTMEventName {
  return (RTM_EVENTS as readonly string[]).includes(name);
}

/** Every event a token of `tier` can receive (what a `*` listener subscribes to). */
export function eventsForTier(tier: RTMTier): RTMEventName[] {
  const excluded = tier === "plugin" ? USER_TIER_ONLY_EVENTS : PLUGIN_TIER_ONLY_EVENTS;
  return RTM_EVENTS.filter((name) => !excluded.includes(name));
}
