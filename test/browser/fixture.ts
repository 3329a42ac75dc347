import { expect } from "@open-wc/testing";
import * as lib from "../../src/index.js";
import { managerUrl } from "../runtimes/chromium/manager.js";
import { FAST_RECONNECT } from "../scenarios/context.js";
import { Emulator } from "../scenarios/emulator.js";

/** A fresh TLS emulator and a client factory bound to it; `dispose()` closes both. */
export interface Fixture {
  emulator: Emulator;
  client(extra?: Partial<lib.CrispRTMOptions>): lib.CrispRTM;
  dispose(): Promise<void>;
}

/** Starts an emulator (over TLS) with the given options. */
export async function fixture(options: Record<string, unknown> = {}): Promise<Fixture> {
  const emulator = await Emulator.start(await managerUrl(), { tls: true, ...options });
  const clients: lib.CrispRTM[] = [];
  return {
    emulator,
    client(extra = {}) {
      const rtm = new lib.CrispRTM({
        identifier: emulator.token.identifier,
        key: emulator.token.key,
        restBase: emulator.info.restUrl,
        reconnect: FAST_RECONNECT,
        ...extra,
      } as lib.CrispRTMOptions);
      clients.push(rtm);
      return rtm;
    },
    async dispose() {
      for (const rtm of clients) rtm.close();
      await emulator.stop();
    },
  };
}

/** Collects every `rtm:error` code of a client. */
export function errorCodes(rtm: lib.CrispRTM): string[] {
  const codes: string[] = [];
  rtm.on("rtm:error", (error) => codes.push(error.code));
  return codes;
}

/** Awaits a promise that must reject with an RTMError, and returns that error. */
export async function rejection(promise: Promise<unknown>): Promise<lib.RTMError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(lib.RTMError);
    return error as lib.RTMError;
  }
  throw new Error("expected a rejection");
}
