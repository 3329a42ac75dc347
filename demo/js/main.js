// @ts-check
/**
 * Wires the demo page: the connection form, the client (`HubClient` through the hub by default, `CrispRTM`
 * direct as an option), the feed, the stats and the fault controls of the path in use.
 */
import { loadConfig } from "./config.js";
import { ConnectionForm } from "./connection-form.js";
import { ConversationFeed } from "./conversations.js";
import { EventCounters } from "./counters.js";
import { byId } from "./dom.js";
import { EmulatorControls } from "./emulator-controls.js";
import { FilterPanel } from "./filters.js";
import { clock, count, duration, field } from "./format.js";
import { HubFaults } from "./hub-faults.js";
import { PauseGate } from "./pause-gate.js";
import { RateMeter } from "./rate-meter.js";
import { Sparkline } from "./sparkline.js";
import { StateView } from "./state-view.js";
import { Timeline } from "./timeline.js";

/**
 * What the page needs of a client; `CrispRTM` and `HubClient` both provide it (`bind` is CrispRTM's only: a hub
 * subscription changes its filters by subscribing again, resuming from its cursor).
 * @typedef {object} DemoClient
 * @property {string} state
 * @property {(name: any, listener: (...args: any[]) => void) => () => void} on
 * @property {() => Promise<void>} connect
 * @property {(filters: { events?: string[], rooms?: string[] }) => Promise<void>} [bind]
 * @property {() => void} close
 */

/**
 * The parts of the crisp-rtm bundles the page uses (passed in by `index.html`, which imports them).
 * @typedef {object} Library
 * @property {new (options: Record<string, unknown>) => DemoClient} CrispRTM
 * @property {new (options: Record<string, unknown>) => DemoClient} HubClient
 * @property {(tier: "plugin" | "user" | "website") => string[]} eventsForTier
 */

/**
 * Asks the backend for a single-use hub ticket (what `crisp-rtm/hub` calls before every connection).
 * @param {string} url
 * @returns {Promise<string>}
 */
async function fetchTicket(url) {
  const response = await fetch(url, { method: "POST", credentials: "same-origin" });
  const body = await response.json().catch(() => null);
  if (!response.ok || typeof body?.ticket !== "string")
    throw new Error(`the ticket endpoint answered HTTP ${response.status}`);
  return body.ticket;
}

/** @param {Library} library */
export async function startDemo({ CrispRTM, HubClient, eventsForTier }) {
  const config = await loadConfig();
  const timeline = new Timeline(byId("timeline", HTMLOListElement));
  const stateView = new StateView({
    pill: byId("state", HTMLElement),
    text: byId("state-text", HTMLElement),
    detail: byId("state-detail", HTMLElement),
    timeline,
  });
  const feed = new ConversationFeed(byId("conversations", HTMLElement));
  const counters = new EventCounters(
    /** @type {HTMLTableSectionElement} */ (byId("counters", HTMLTableElement).tBodies[0]),
  );
  const meter = new RateMeter();
  const sparkline = new Sparkline(byId("sparkline", SVGSVGElement));
  const gate = new PauseGate((name, payload) => feed.handle(name, payload));
  const bindStatus = byId("bind-status", HTMLElement);
  const toggle = byId("connect-toggle", HTMLButtonElement);
  const panel = byId("connection-panel", HTMLDetailsElement);
  const summary = byId("connection-summary", HTMLElement);
  /** @type {Map<string, number>} */
  const visitors = new Map();

  /** @type {DemoClient | undefined} */
  let client;
  /** The settings of the current connection (a hub re-subscription reuses them). @type {import("./connection-form.js").ConnectionSettings | undefined} */
  let current;
  /** The hub cursor of this page: a re-subscription resumes after the last delivered entry. @type {number | null} */
  let hubSeq = null;
  const catalog = eventsForTier("plugin");
  /** @type {(() => void)[]} */
  let offs = [];
  let binds = 0;
  let bindCalls = 0;

  const filters = new FilterPanel({
    events: byId("event-filters", HTMLFieldSetElement),
    websites: byId("website-filters", HTMLFieldSetElement),
    catalog,
    onChange: (selection) => void applyFilters(selection),
  });
  for (const website of config.tokens?.[0]?.websites ?? []) filters.addWebsite(website);

  const form = new ConnectionForm({
    form: byId("connect-form", HTMLFormElement),
    error: byId("form-error", HTMLElement),
    config,
    onSubmit: (settings) => connect(settings, true),
  });

  new HubFaults({
    buttons: /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll("button[data-fault]")),
    feedback: byId("hub-fault-status", HTMLElement),
    available: config.hubFaults,
  });
  new EmulatorControls({
    controlUrl: config.controlUrl,
    status: byId("fault-status", HTMLElement),
    rateStatus: byId("rate-status", HTMLElement),
    drop: byId("fault-drop", HTMLButtonElement),
    halfOpen: byId("fault-half-open", HTMLButtonElement),
    restart: byId("fault-restart", HTMLButtonElement),
    rate: byId("traffic-rate", HTMLInputElement),
    rateValue: byId("traffic-rate-value", HTMLOutputElement),
  });

  /**
   * @param {import("./connection-form.js").ConnectionSettings} settings
   * @param {boolean} fresh A connection the user asked for (a hub one starts from now); false: a re-subscription.
   */
  function connect(settings, fresh) {
    disconnect(false);
    const selection = filters.selection();
    const { events, rooms, allRooms } = selection;
    if (events.length === 0) {
      form.showError("Pick at least one event group under Filters.");
      return;
    }
    if (fresh) hubSeq = null;
    feed.hideWebsites(selection.excluded.length ? new Set(selection.excluded) : null);
    try {
      client =
        settings.mode === "hub"
          ? new HubClient({
              url: settings.hubUrl,
              ticket: () => fetchTicket(settings.ticketUrl),
              ...(events.length === catalog.length ? {} : { events }),
              ...(allRooms || rooms.length === 0 ? {} : { websites: rooms }),
              cursor: {
                get: () => hubSeq,
                set: (/** @type {number} */ seq) => {
                  hubSeq = seq;
                },
              },
            })
          : new CrispRTM({
              identifier: settings.identifier,
              key: settings.key,
              events,
              ...(allRooms ? {} : { rooms }),
              ...(settings.endpoint ? { endpoint: settings.endpoint } : { restBase: settings.restBase }),
            });
    } catch (error) {
      form.showError(describe(error));
      return;
    }
    form.showError("");
    current = settings;
    const active = client;
    offs = [
      stateView.watch(active),
      active.on("*", onEvent),
      active.on("rtm:state", ({ state }) => showActive(state !== "closed")),
      active.on("rtm:ready", ({ reconnected }) => {
        if (!reconnected) panel.open = false;
      }),
      ...(settings.mode === "hub" ? watchHub(active) : []),
    ];
    summary.textContent = settings.mode === "hub" ? "· through the hub" : "· direct (demo token)";
    if (fresh) {
      timeline.add(
        settings.mode === "hub"
          ? `Subscribing to the hub (${settings.hubUrl}) with a ticket from ${settings.ticketUrl}`
          : "Connecting to Crisp RTM directly",
        { state: "idle" },
      );
    }
    showActive(true);
    active.connect().catch((error) => {
      if (client === active) form.showError(describe(error));
    });
  }

  /**
   * The hub's notices, as the user's code would see them.
   * @param {DemoClient} hub
   * @returns {(() => void)[]}
   */
  function watchHub(hub) {
    /** @type {string | undefined} */
    let upstream;
    return [
      hub.on("rtm:ready", ({ replayed, seq }) => {
        if (replayed > 0)
          timeline.add(
            `Replayed ${replayed} event(s) missed while away, from the hub's log (now at #${seq}): none twice, none missing`,
          );
      }),
      hub.on("rtm:downtime", ({ since, until, ms }) => {
        timeline.add(
          `Downtime notice: the hub got nothing from Crisp from ${clock(since)} to ${clock(until)} (${duration(ms)}); Crisp never replays it, so reconcile that window over REST`,
          { level: "warn" },
        );
      }),
      hub.on("rtm:gap", ({ from, to }) => {
        timeline.add(`Gap notice: entries #${from}–#${to} are no longer in the hub's log; reconcile over REST`, {
          level: "warn",
        });
      }),
      hub.on("rtm:reset", ({ seq }) => {
        timeline.add(`The hub's storage was reset (now at #${seq}): its log is delivered again from the start`, {
          level: "warn",
        });
      }),
      hub.on("rtm:upstream", ({ state }) => {
        if (state === upstream) return;
        upstream = state;
        timeline.add(`The hub's Crisp connection: ${state}`, { level: state === "ready" ? "info" : "warn" });
      }),
    ];
  }

  /** @param {boolean} byUser */
  function disconnect(byUser) {
    if (!client) return;
    // Pressed by the user: the log and the pill show the close. Otherwise (a hub re-subscription) it is silent.
    if (byUser) client.close();
    for (const off of offs) off();
    offs = [];
    client.close();
    client = undefined;
    showActive(false);
    summary.textContent = "";
    if (byUser) timeline.add("Disconnected (you pressed Disconnect)", { state: "closed" });
  }

  /** @param {import("./filters.js").Selection} selection */
  async function applyFilters({ events, rooms, allRooms, excluded }) {
    feed.hideWebsites(excluded.length ? new Set(excluded) : null);
    if (events.length === 0) {
      bindStatus.textContent = "Pick at least one event group: filters left unchanged.";
      return;
    }
    const active = client;
    if (!active || active.state === "closed" || !current) {
      bindStatus.textContent = "Saved: used when you connect.";
      return;
    }
    const scope = `${events.length} event names, ${allRooms ? "every website" : `${rooms.length} website(s)`}`;
    if (!active.bind) {
      // A hub subscription's filters are fixed: subscribe again, resuming after the last delivered entry.
      connect(current, false);
      binds += 1;
      bindStatus.dataset.binds = String(binds);
      bindStatus.textContent = `Filters applied at ${clock(Date.now())}: re-subscribed to the hub${hubSeq === null ? "" : ` after #${hubSeq}`} with ${scope}.`;
      return;
    }
    const ready = active.state === "ready";
    const call = ++bindCalls;
    bindStatus.textContent = "Sending socket:bind…";
    try {
      await active.bind({ events, ...(allRooms && rooms.length === 0 ? {} : { rooms }) });
    } catch (error) {
      bindStatus.textContent = `bind failed: ${describe(error)}`;
      return;
    }
    if (client !== active || call !== bindCalls) return;
    binds += 1;
    bindStatus.dataset.binds = String(binds);
    bindStatus.textContent = ready
      ? `Filters applied at ${clock(Date.now())}: ${scope}.`
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
    if (
      name === "website:update_visitors_count" &&
      payload &&
      typeof payload === "object" &&
      "visitors_count" in payload
    ) {
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
