import type * as Lib from "../../src/index.js";
import { Emulator } from "./emulator.js";

/** The library under test (src/ in Chromium, the built dist/ bundle elsewhere). */
export type Library = typeof Lib;

/** What a runtime adapter gives the shared scenarios. */
export interface ScenarioContext {
  /** The crisp-rtm module. */
  lib: Library;
  /** Base URL of the emulator manager. */
  managerUrl: string;
  /** Options every emulator of this runtime starts with (e.g. `{ tls: true }`). */
  emulatorOptions?: Record<string, unknown>;
  /** Client options this runtime needs (e.g. a WebSocket factory). */
  clientOptions?: Partial<Lib.CrispRTMOptions>;
}

/** The runtimes that run the shared scenarios. */
export type Runtime = "chromium" | "deno" | "node" | "workerd";

/** One behaviour, written once and run by every runtime's adapter. */
export interface Scenario {
  name: string;
  /**
   * The runtimes this scenario applies to (default: all). A scenario that leaves one out must say why in a
   * comment next to this field; adapters select with {@link scenariosFor}, so nothing is skipped silently.
   */
  runtimes?: Runtime[];
  run(context: ScenarioContext): Promise<void>;
}

/** The scenarios of `list` that apply to `runtime`. */
export function scenariosFor(list: readonly Scenario[], runtime: Runtime): Scenario[] {
  return list.filter((scenario) => !scenario.runtimes || scenario.runtimes.includes(runtime));
}

/** Fast reconnection for tests (the defaults are tuned for Crisp's servers, not for a test run). */
export const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 300, stableAfterMs: 0 } as const;

/** Starts an emulator for one scenario, runs `body`, and always stops the emulator and closes clients. */
export async function withEmulator(
  context: ScenarioContext,
  options: Record<string, unknown>,
  body: (emulator: Emulator, client: (extra?: Partial<Lib.CrispRTMOptions>) => Lib.CrispRTM) => Promise<void>,
): Promise<void> {
  const emulator = await Emulator.start(context.managerUrl, { ...context.emulatorOptions, ...options });
  const clients: Lib.CrispRTM[] = [];
  const client = (extra: Partial<Lib.CrispRTMOptions> = {}) => {
    const rtm = new context.lib.CrispRTM({
      identifier: emulator.token.identifier,
      key: emulator.token.key,
      restBase: emulator.info.restUrl,
      reconnect: FAST_RECONNECT,
      ...context.clientOptions,
      ...extra,
    } as Lib.CrispRTMOptions);
    clients.push(rtm);
    return rtm;
  };
  try {
    await body(emulator, client);
  } finally {
    for (const rtm of clients) rtm.close();
    await emulator.stop();
  }
}
