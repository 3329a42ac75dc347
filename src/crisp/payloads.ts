import type { RTMEventName } from "./catalog.js";

/** Fields every payload may carry beyond the typed ones: unknown fields are kept as they arrive. */
export interface Extensible {
  [field: string]: unknown;
}

/** Fields common to every session-scoped event. */
export interface SessionEvent extends Extensible {
  website_id: string;
  session_id: string;
  inbox_id?: string | null;
  routing_ids?: string[];
}

/** Content of a `file` message. */
export interface FileContent extends Extensible {
  name: string;
  url: string;
  type: string;
}

/** Content of an `animation` message (an animated image). */
export interface AnimationContent extends Extensible {
  url: string;
  type: string;
}

/** Content of an `audio` message. */
export interface AudioContent extends Extensible {
  url: string;
  type: string;
  duration: number;
}

/** Content of a `picker` message: a question with choices. */
export interface PickerContent extends Extensible {
  id: string;
  text: string;
  choices: ({ value: string; label: string; selected: boolean } & Extensible)[];
  required?: boolean;
}

/** Content of a `field` message: a question with a free-text answer. */
export interface FieldContent extends Extensible {
  id: string;
  text: string;
  explain: string;
  value?: string;
  required?: boolean;
}

/** Content of a `carousel` message. */
export interface CarouselContent extends Extensible {
  text: string;
  targets: ({
    title: string;
    description?: string;
    image?: string;
    actions: ({ label: string; url: string } & Extensible)[];
  } & Extensible)[];
}

/** Content of an `event` message. */
export interface EventContent extends Extensible {
  namespace: string;
  text?: string;
}

/** The author of a message as Crisp describes it. */
export interface MessageUser extends Extensible {
  user_id?: string;
  nickname?: string;
  avatar?: string;
  type?: string;
}

/** Each message type with its content type: checking `type` narrows `content`. */
export interface MessageContents {
  text: string;
  note: string;
  file: FileContent;
  animation: AnimationContent;
  audio: AudioContent;
  picker: PickerContent;
  field: FieldContent;
  carousel: CarouselContent;
  event: EventContent;
}

/** Kinds of Crisp messages. */
export type MessageType = keyof MessageContents;

/** The content of any message. */
export type MessageContent = MessageContents[MessageType];

/** The fields every message has, whatever its type. */
export interface MessageBase extends SessionEvent {
  from: "user" | "operator";
  origin: string;
  fingerprint: number;
  timestamp: number;
  user: MessageUser;
  mentions?: string[];
  stamped?: boolean;
  automated?: boolean;
  edited?: boolean;
  translated?: boolean;
}

/**
 * A message, as carried by `message:send` (from the visitor) and `message:received` (from an operator): a union
 * discriminated by `type`, so `if (m.type === "text") m.content` is a `string`.
 */
export type MessagePayload = {
  [T in MessageType]: MessageBase & { type: T; content: MessageContents[T] };
}[MessageType];

/** `message:updated`. */
export interface MessageUpdatedPayload extends SessionEvent {
  fingerprint: number;
  content: MessageContent;
}

/** `message:removed`. */
export interface MessageRemovedPayload extends SessionEvent {
  fingerprint: number;
}

/** `message:compose:send` and `message:compose:receive`. */
export interface ComposePayload extends SessionEvent {
  type: "start" | "stop";
  excerpt?: string;
  timestamp: number;
  user?: MessageUser;
}

/** `message:acknowledge:*`. */
export interface AcknowledgePayload extends SessionEvent {
  origin: string;
  fingerprints: number[];
}

/** `session:set_state`. */
export interface SessionStatePayload extends SessionEvent {
  state: "pending" | "unresolved" | "resolved";
}

/** `session:update_availability`. */
export interface AvailabilityPayload extends SessionEvent {
  availability: "online" | "offline";
}

/** `session:set_opened` and `session:set_closed`. */
export interface SessionOperatorPayload extends SessionEvent {
  operator: { user_id: string } & Extensible;
}

/** `people:profile:created` and its siblings. */
export interface PeopleProfilePayload extends Extensible {
  website_id: string;
  people_id: string;
  email?: string;
}

/** `website:update_visitors_count`. */
export interface VisitorsCountPayload extends Extensible {
  website_id: string;
  visitors_count: number;
}

/** `plugin:event`. */
export interface PluginEventPayload extends Extensible {
  website_id: string;
  plugin_id: string;
  urn: string;
  name: string;
  data: unknown;
}

/** Any event not typed more precisely: an object whose fields are kept as they arrive. */
export type GenericPayload = Extensible;

/** Precise payload types of the common events; every other name maps to {@link GenericPayload}. */
export interface KnownPayloads {
  "message:send": MessagePayload;
  "message:received": MessagePayload;
  "message:updated": MessageUpdatedPayload;
  "message:removed": MessageRemovedPayload;
  "message:compose:send": ComposePayload;
  "message:compose:receive": ComposePayload;
  "message:acknowledge:read:send": AcknowledgePayload;
  "message:acknowledge:read:received": AcknowledgePayload;
  "message:acknowledge:unread:send": AcknowledgePayload;
  "message:acknowledge:delivered": AcknowledgePayload;
  "message:acknowledge:ignored": AcknowledgePayload;
  "session:set_state": SessionStatePayload;
  "session:update_availability": AvailabilityPayload;
  "session:set_email": SessionEvent & { email: string };
  "session:set_phone": SessionEvent & { phone: string };
  "session:set_nickname": SessionEvent & { nickname: string };
  "session:set_subject": SessionEvent & { subject: string };
  "session:set_avatar": SessionEvent & { avatar: string };
  "session:set_data": SessionEvent & { data: Record<string, unknown> };
  "session:set_segments": SessionEvent & { segments: string[] };
  "session:set_opened": SessionOperatorPayload;
  "session:set_closed": SessionOperatorPayload;
  "people:profile:created": PeopleProfilePayload;
  "people:profile:updated": PeopleProfilePayload;
  "people:profile:removed": PeopleProfilePayload;
  "website:update_visitors_count": VisitorsCountPayload;
  "plugin:event": PluginEventPayload;
}

/** The payload type of the event `K`. */
export type RTMPayload<K extends RTMEventName> = K extends keyof KnownPayloads ? KnownPayloads[K] : GenericPayload;

/** Every Crisp event name mapped to its payload type. */
export type RTMEventPayloads = { [K in RTMEventName]: RTMPayload<K> };
