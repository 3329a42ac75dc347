/**
 * Type tests of crisp-rtm/hub, checked by `tsc -p tsconfig.test.json` (the "types" step): the payload types
 * listeners get, and the misuses the compiler must refuse (each `@ts-expect-error` fails the check if the line
 * compiles). Nothing here runs.
 */
import {
  type GenericPayload,
  HubClient,
  type HubClientOptions,
  type HubState,
  type RTMError,
  type RTMEvent,
} from "../../src/hub/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(_: T): void => {};

declare const hub: HubClient;

hub.on("message:send", (payload) => {
  expectType<Equal<typeof payload.session_id, string>>(true);
  expectType<Equal<typeof payload.website_id, string>>(true);
  // @ts-expect-error: a message payload has no visitors_count
  payload.visitors_count.toFixed();
});
hub.on("website:update_visitors_count", (payload) => {
  expectType<Equal<typeof payload.visitors_count, number>>(true);
});
hub.on("*", (name, payload) => {
  expectType<Equal<typeof name, RTMEvent["name"]>>(true);
  expectType<Equal<typeof payload, GenericPayload>>(true);
});
hub.on("rtm:downtime", ({ since, until, ms, seq }) =>
  expectType<Equal<[typeof since, typeof until, typeof ms, typeof seq], [number, number, number, number]>>(true),
);
hub.on("rtm:gap", ({ from, to }) => expectType<Equal<[typeof from, typeof to], [number, number]>>(true));
hub.on("rtm:reset", ({ since, seq }) => expectType<Equal<[typeof since, typeof seq], [number, number]>>(true));
hub.on("rtm:upstream", ({ state }) => expectType<Equal<typeof state extends string ? true : false, true>>(true));
hub.on("rtm:ready", ({ reconnected, replayed }) =>
  expectType<Equal<[typeof reconnected, typeof replayed], [boolean, number]>>(true),
);
hub.on("rtm:error", (error) => expectType<Equal<typeof error, RTMError>>(true));
hub.once("rtm:close", ({ error }) => expectType<Equal<typeof error, RTMError | undefined>>(true));
expectType<Equal<typeof hub.state, HubState>>(true);
expectType<Equal<typeof hub.cursor, number | null>>(true);
expectType<Equal<ReturnType<typeof hub.connect>, Promise<void>>>(true);

// @ts-expect-error: not an event of the catalog nor a lifecycle name
hub.on("message:sent", () => {});
// @ts-expect-error: a visitors count listener gets a payload, not a name
hub.on("website:update_visitors_count", (name: string) => name);
// @ts-expect-error: rtm:gap carries { from, to }
hub.on("rtm:gap", ({ since }) => since);

async function iterate(): Promise<void> {
  for await (const event of hub.events(["message:send", "message:received"], { signal: AbortSignal.timeout(1000) })) {
    expectType<Equal<typeof event.name, "message:send" | "message:received">>(true);
    if (event.name === "message:send") expectType<Equal<typeof event.payload.fingerprint, number>>(true);
  }
}
void iterate;

const browser: HubClientOptions = {
  url: "wss://hub.example.com/events",
  ticket: async () => "t1.x",
  events: ["message:send", "message:*"],
  websites: ["42b7fe31-0b4a-4a0f-8a9e-3a1e2c5b6d7e"],
  cursor: { get: () => null, set: (seq: number) => void seq },
  reconnect: { maxDelayMs: 10_000 },
};
void new HubClient(browser);
// @ts-expect-error: a ticket provider is a function, not a string
void new HubClient({ url: "wss://hub.example.com/events", ticket: "t1.x" });
// @ts-expect-error: url is required
void new HubClient({ bearer: "secret" });
// @ts-expect-error: cursor.set takes the sequence number
void new HubClient({ url: "wss://h/events", bearer: "s", cursor: { get: () => null, set: (seq: string) => void seq } });
