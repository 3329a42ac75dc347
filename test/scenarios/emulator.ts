/** Test-side handle on an emulator started through the emulator manager (see test/support/emulator-manager.js). */
export interface EmulatorToken {
  identifier: string;
  key: string;
  websites: string[];
}

/** What the manager answers for a started emulator. */
export interface EmulatorInfo {
  id: string;
  restUrl: string;
  rtmUrl: string;
  controlUrl: string;
  tokens: EmulatorToken[];
}

/** One connection as the emulator's control API lists it. */
export interface EmulatorConnection {
  id: string;
  token: string | null;
  authenticated: boolean;
  events: string[];
  rooms: string[];
}

/** The parts of `GET /_emulator/state` the tests read. */
export interface EmulatorState {
  connections: EmulatorConnection[];
  auths: Record<string, unknown>[];
  binds: Record<string, unknown>[];
  counters: Record<string, number>;
  restLog: Record<string, unknown>[];
  tcpLog: number[];
}

/** A running emulator, driven over HTTP so that every runtime can use it. */
export class Emulator {
  readonly info: EmulatorInfo;
  readonly #managerUrl: string;

  private constructor(managerUrl: string, info: EmulatorInfo) {
    this.#managerUrl = managerUrl;
    this.info = info;
  }

  /** Starts a fresh emulator with the given `startEmulator` options. */
  static async start(managerUrl: string, options: Record<string, unknown> = {}): Promise<Emulator> {
    const response = await fetch(`${managerUrl}/emulators`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(options),
    });
    if (!response.ok) throw new Error(`the emulator manager answered ${response.status}: ${await response.text()}`);
    return new Emulator(managerUrl, (await response.json()) as EmulatorInfo);
  }

  /** The first (demo) token. */
  get token(): EmulatorToken {
    const token = this.info.tokens[0];
    if (!token) throw new Error("the emulator has no token");
    return token;
  }

  /** Calls a control operation (`POST /_emulator/<op>`). */
  async control<T = Record<string, unknown>>(op: string, body: unknown = {}): Promise<T> {
    const response = await fetch(`${this.info.controlUrl}/${op}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`control ${op} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Reads the emulator's state. */
  async state(): Promise<EmulatorState> {
    const response = await fetch(`${this.info.controlUrl}/state`);
    return (await response.json()) as EmulatorState;
  }

  /** Injects one event; returns how many sockets it was delivered to. */
  async inject(event: string, payload: Record<string, unknown>, websiteId?: string): Promise<number> {
    const body = websiteId ? { event, payload, website_id: websiteId } : { event, payload };
    const result = await this.control<{ delivered: number }>("inject", body);
    return result.delivered;
  }

  /** Stops the emulator. */
  async stop(): Promise<void> {
    await fetch(`${this.#managerUrl}/emulators/${this.info.id}`, { method: "DELETE" });
  }
}
