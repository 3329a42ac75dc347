/** Type tests of `CrispRTM`: event payloads narrow on `type`, lifecycle payloads are typed, wrong uses fail. */
import {
  type AudioContent,
  CrispRTM,
  type EventContent,
  type FileContent,
  type MessagePayload,
  type PickerContent,
  type RTMError,
  type RTMEvent,
  type RTMEventName,
} from "../../src/index.js";
import { expectType } from "./expect.js";

const rtm = new CrispRTM({ identifier: "id", key: "key", firstConnectTimeoutMs: Infinity });

rtm.on("message:send", (m) => {
  expectType<MessagePayload>()(m);
  if (m.type === "text" || m.type === "note") expectType<string>()(m.content);
  // @ts-expect-error expectType is exact: a string is not a `string | number`
  if (m.type === "text") expectType<string | number>()(m.content);
  if (m.type === "file") expectType<FileContent>()(m.content);
  if (m.type === "audio") expectType<AudioContent>()(m.content);
  if (m.type === "picker") expectType<PickerContent>()(m.content);
  if (m.type === "event") expectType<EventContent>()(m.content);
  if (m.type === "file") {
    // @ts-expect-error a file's content is an object, not a string
    m.content.toUpperCase();
  }
  // @ts-expect-error `content` is not a string before `type` is checked
  m.content.toUpperCase();
  // @ts-expect-error there is no such message type
  if (m.type === "video") return;
});

rtm.on("message:received", (m) => {
  if (m.type === "text") expectType<string>()(m.content);
  expectType<number>()(m.fingerprint);
});

rtm.on("rtm:ready", ({ downtime }) => {
  if (downtime) expectType<number>()(downtime.since);
});
rtm.on("rtm:error", (error) => expectType<RTMError>()(error));
rtm.on("*", (name, payload) => {
  expectType<RTMEventName>()(name);
  expectType<unknown>()(payload.anything);
});
expectType<Promise<void>>()(rtm.rebind());

async function iterate(): Promise<void> {
  for await (const event of rtm.events(["message:send", "session:set_state"])) {
    expectType<RTMEvent<"message:send" | "session:set_state">>()(event);
    if (event.name === "message:send" && event.payload.type === "text") expectType<string>()(event.payload.content);
    if (event.name === "session:set_state") expectType<"pending" | "unresolved" | "resolved">()(event.payload.state);
  }
}
void iterate;

// @ts-expect-error a listener of message:send gets one payload, not a name first
rtm.on("message:send", (name: string, payload: object) => [name, payload]);
// @ts-expect-error lifecycle names are checked
rtm.on("rtm:redy", () => {});
// @ts-expect-error an option the constructor does not know is a type error too (and `invalid_options` at run time)
new CrispRTM({ identifier: "id", key: "key", firstConnectTimeout: 5 });
