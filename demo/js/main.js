// @ts-check
/** Wires the demo page: the connection form, the client (direct or hub), the feed, the stats and the controls. */
import { loadConfig } from "./config.js";
import { ConnectionForm } from "./connection-form.js";
import { ConversationFeed } from "./conversations.js";
import { EventCounters } from "./counters.js";
import { byId } from "./dom.js";
import { EmulatorControls } from "./emulator-controls.js";
import { FilterPanel } from "./filters.js";
import { clock, count, field } from "./format.js";
import { HubClient } from "./hub-client.js";
import { PauseGate } from "./pause-gate.js";
import { RateMeter } from "./rate-meter.js";
import { Sparkline } from "./sparkline.js";
import { StateView } from "./state-view.js";
import { Timeline } from "./timeline.js";

/**
 * What the page needs of a client; `CrispRTM` and `HubClient` both provide it.
 * @typedef {object} DemoClient
 * @property {string} state
 * @property {(name: any, listener: (...args: any[]) => void) => () => void} on
 * @property {() => Promise<void>} connect
 * @property {(filters: { events?: string[], rooms?: string[] }) => Promise<void>} bind
 * @property {() => void} close
 */

/**
 * The parts of the crisp-rtm bundle the page uses (passed in by `index.html`, which imports the bundle).
 * @typedef {object} Library
 * @property {new (options: Record<string, unknown>) => DemoClient} CrispRTM
 * @property {(tier: "plugin" | "user" | "website") => string[]} eventsForTier
 */

/** @param {Library} library */
export async function startDemo({ CrispRTM, eventsForTier }) {
  const config = await loadConfig();
  const timeline = new Timeline(byId("timeline", HTMLOListElement));
  const stateView = new StateView({
    pill: byId("state", HTMLElement), text: byId("state-text", HTMLElement), detail: byId("state-detail", HTMLElement), timeline,
  });
  const feed = new ConversationFeed(byId("conversations", HTMLElement));
  const counters = new EventCounters(/** @type {HTMLTableSectionElement} */ (byId("counters", HTMLTableElement).tBodies[0]));
  const meter = new RateMeter();
  const sparkline = new Sparkline(byId("sparkline", SVGSVGElement));
  const gate = new PauseGate((name, payload) => feed.handle(name, payload));
  const bindStatus = byId("bind-status", HTMLElement);
  const toggle = byId("connect-toggle", HTMLButtonElement);
  const submit = byId("connect-submit", HTMLButtonElement);
  const panel = byId("connection-panel", HTMLDetailsElement);
  const summary = byId("connection-summary", HTMLElement);
  /** @type {Map<string, number>} */
  const visitors = new Map();

  /** @type {DemoClient | undefined} */
  let client;
  /** @type {(() => void)[]} */
  let offs = [];
  let binds = 0;
  let bindCalls = 0;

  const filters = new FilterPanel({
    events: byId("event-filters", HTMLFieldSetElement),
    websites: byId("website-filters", HTMLFieldSetElement),
    catalog: eventsForTier("plugin"),
    onChange: (selection) => void applyFilters(selection),
  });
  for (const website of config.tokens?.[0]?.websites ?? []) filters.addWebsite(website);

  const form = new ConnectionForm({
    form: byId("connect-form", HTMLFormElement), error: byId("form-error", HTMLElement), config, onSubmit: connect,
  });

  new EmulatorControls({
    controlUrl: config.controlUrl,
    status: byId("fault-status", HTMLElement),
    drop: byId("fault-drop", HTMLButtonElement),
    halfOpen: byId("fault-half-open", HTMLButtonElement),
    restart: byId("fault-restart", HTMLButtonElement),
    rate: byId("traffic-rate", HTMLInputElement),
    rateValue: byId("traffic-rate-value", HTMLOutputElement),
  });

  /** @param {import("./connection-form.js").ConnectionSettings} settings */
  function connect(settings) {
    disconnect(false);
    const { events, rooms, allRooms } = filters.selection();
    if (events.length === 0) {
      form.showError("Pick at least one event group under Filters.");
      return;
    }
    const roomFilter = allRooms ? {} : { rooms };
    try {
      client = settings.mode === "hub"
        ? new HubClient({ url: settings.hubUrl, credential: settings.ticket, events, ...roomFilter })
        : new CrispRTM({
            identifier: settings.identifier, key: settings.key, events, ...roomFilter,
            ...(settings.endpoint ? { endpoint: settings.endpoint } : { restBase: settings.restBase }),
          });
    } catch (error) {
      form.showError(describe(error));
      return;
    }
    const current = client;
    offs = [
      stateView.watch(current),
      current.on("*", onEvent),
      current.on("rtm:state", ({ state }) => showActive(state !== "closed")),
      current.on("rtm:ready", ({ reconnected }) => {
        if (!reconnected) panel.open = false;
      }),
      current.on("hub:notice", ({ text, level }) => timeline.add(text, { level })),
    ];
    summary.textContent = settings.mode === "hub" ? "· through a hub" : "· direct";
    timeline.add(settings.mode === "hub" ? `Subscribing to ${settings.hubUrl}` : "Connecting to Crisp RTM", { state: "idle" });
    showActive(true);
    current.connect().catch((error) => {
      if (client === current) form.showError(describe(error));
    });
  }

  /** @param {boolean} byUser */
  function disconnect(byUser) {
    if (!client) return;
    client.close();
    for (const off of offs) off();
    offs = [];
    client = undefined;
    showActive(false);
    summary.textContent = "";
    if (byUser) timeline.add("Disconnected (you pressed Disconnect)", { state: "closed" });
  }

  /** @param {import("./filters.js").Selection} selection */
  async function applyFilters({ events, rooms, allRooms }) {
    if (events.length === 0) {
      bindStatus.textContent = "Pick at least one event group: filters left unchanged.";
      return;
    }
    const current = client;
    if (!current || current.state === "closed") {
      bindStatus.textContent = "Saved: used when you connect.";
      return;
    }
    const ready = current.state === "ready";
    const call = ++bindCalls;
    bindStatus.textContent = "Sending socket:bind…";
    try {
      await current.bind({ events, ...(allRooms && rooms.length === 0 ? {} : { rooms }) });
    } catch (error) {
      bindStatus.textContent = `bind failed: ${describe(error)}`;
      return;
    }
    if (client !== current || call !== bindCalls) return;
    binds += 1;
    bindStatus.dataset.binds = String(binds);
    const scope = `${events.length} event names, ${allRooms ? "every website" : `${rooms.length} website(s)`}`;
    const where = current instanceof HubClient ? " in the page (the hub sends what the ticket allows)" : "";
    bindStatus.textContent = ready
      ? `Filters applied${where} at ${clock(Date.now())}: ${scope}.`
      : `Saved: ${scope}; sent when the connection is back.`;
  }

  /**
   * @param {string} name
   * @param {unknown} payload
   */
  function onEvent(name, payload) {
    counters.add(name);
    meter.record();
    const websiteId = field(payload, "website_id");
    filters.addWebsite(websiteId);
    if (name === "website:update_visitors_count" && payload && typeof payload === "object" && "visitors_count" in payload) {
      const n = Number(payload.visitors_count);
      visitors.set(websiteId, n);
      filters.setVisitors(websiteId, n);
      byId("kpi-visitors", HTMLElement).textContent = count([...visitors.values()].reduce((a, b) => a + b, 0));
    }
    gate.push(name, payload);
  }

  /** @param {boolean} active */
  function showActive(active) {
    toggle.textContent = active ? "Disconnect" : "Connect";
    toggle.classList.toggle("primary", !active);
    submit.textContent = active ? "Reconnect with these settings" : "Connect";
  }

  toggle.addEventListener("click", () => (client && client.state !== "closed" ? disconnect(true) : form.submit()));

  const pause = byId("pause", HTMLButtonElement);
  const pauseNote = byId("pause-note", HTMLElement);
  pause.addEventListener("click", () => {
    if (gate.paused) {
      const dropped = gate.resume();
      pauseNote.textContent = dropped ? `Resumed; ${dropped} older events were skipped.` : "";
    } else {
      gate.paused = true;
    }
    pause.setAttribute("aria-pressed", String(gate.paused));
    pause.textContent = gate.paused ? "Resume feed" : "Pause feed";
  });

  setInterval(() => {
    const rate = meter.perSecond();
    const rateText = rate.toFixed(rate < 10 ? 1 : 0);
    sparkline.render(meter.series(), `${rateText} events per second now`);
    byId("kpi-rate", HTMLElement).textContent = rateText;
    byId("kpi-total", HTMLElement).textContent = count(counters.total);
    if (gate.paused) pauseNote.textContent = `Paused: ${count(gate.waiting)} events waiting.`;
  }, 1000);

  addEventListener("pagehide", () => client?.close());
}

/** @param {unknown} error */
function describe(error) {
  if (error instanceof Error) {
    const code = /** @type {{ code?: unknown }} */ (error).code;
    return typeof code === "string" ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
