// @ts-check
/** A one-line, human-readable text for a Crisp message payload of any type. */
import { duration, field, isObject } from "./format.js";

/**
 * @param {unknown} payload A `message:send` / `message:received` payload.
 * @returns {string}
 */
export function messageText(payload) {
  const type = field(payload, "type");
  const content = isObject(payload) ? payload.content : undefined;
  if (typeof content === "string") return content;
  if (!isObject(content)) return `[${type || "message"}]`;
  const text = typeof content.text === "string" ? content.text : "";
  switch (type) {
    case "file":
      return `File: ${field(content, "name") || "(no name)"}`;
    case "animation":
      return "Animated GIF";
    case "audio":
      return `Voice message${typeof content.duration === "number" ? ` (${duration(content.duration * 1000)})` : ""}`;
    case "event":
      return text || field(content, "namespace") || "[event]";
    default:
      return text || `[${type || "message"}]`;
  }
}
