// @ts-check
/**
 * The demo page in Chromium, as `npm start` runs it: the emulator, the hub in workerd and the demo server. By
 * default the page goes through the hub (crisp-rtm/hub with tickets from the demo server): events render as
 * chat bubbles, a dropped page socket is resumed with no duplicate and no missing message, an upstream loss
 * shows a downtime notice, filtered-out websites' cards are hidden. Direct mode (CrispRTM) still works: a
 * filter change goes out as `socket:bind`, a forced drop shows reconnecting → ready. Saves screenshots (hub
 * mode) to .cache/demo/, and to docs/ (the README's pictures) when UPDATE_SCREENSHOTS=1, so a test run leaves
 * the work tree clean.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import { startDemo } from "../../scripts/start.mjs";
import { CHROMIUM_ARGS, chromiumPath } from "../support/chromium.js";

const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));
const CACHE = fileURLToPath(new URL("../../.cache/demo/", import.meta.url));
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 812 };

/** @typedef {import("puppeteer-core").Page} Page */

/**
 * Clicks a checkbox unless it already has the wanted state.
 * @param {Page} page
 * @param {string} selector
 * @param {boolean} checked
 */
async function setChecked(page, selector, checked) {
  const current = await page.$eval(selector, (input) => /** @type {HTMLInputElement} */ (input).checked);
  if (current !== checked) await page.click(selector);
}

/**
 * @param {Page} page
 * @param {string} file
 */
async function screenshot(page, file) {
  await mkdir(CACHE, { recursive: true });
  const path = /** @type {`${string}.png`} */ (`${CACHE}${file}`);
  await page.screenshot({ path });
  if (process.env.UPDATE_SCREENSHOTS === "1") await copyFile(path, `${DOCS}${file}`);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `check()` returns a value that is not undefined.
 * @template T
 * @param {() => Promise<T | undefined>} check
 * @param {string} what
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
async function eventually(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * The payload of the emulator's latest accepted `socket:bind`, once `matches` accepts it.
 * @param {import("../../emulator/index.js").Emulator} emulator
 * @param {(payload: { events: string[], rooms: string[] }) => boolean} matches
 */
function boundTo(emulator, matches) {
  return eventually(async () => {
    const bind = (await emulator.control.state()).binds.filter((b) => b.kind === "socket:bind" && b.accepted).at(-1);
    const payload = /** @type {{ events: string[], rooms: string[] } | undefined} */ (bind?.payload);
    return payload && matches(payload) ? payload : undefined;
  }, "the expected socket:bind");
}

/**
 * The fingerprints of the bubbles of one conversation card, in order.
 * @param {Page} page
 * @param {string} session
 * @returns {Promise<number[]>}
 */
function fingerprintsOf(page, session) {
  return page.$$eval(`.conversation[data-session="${session}"] .bubble`, (bubbles) =>
    bubbles.map((b) => Number(b.getAttribute("data-fingerprint"))),
  );
}

/**
 * Waits for a timeline line after `after` matching `pattern`.
 * @param {Page} page
 * @param {number} after
 * @param {string} pattern a RegExp source
 */
function logged(page, after, pattern, timeout = 20_000) {
  return page.waitForFunction(
    (seq, source) =>
      [...document.querySelectorAll("#timeline li")].some(
        (li) => Number(li.getAttribute("data-seq")) > seq && new RegExp(source).test(li.textContent ?? ""),
      ),
    { timeout },
    after,
    pattern,
  );
}

/** @param {Page} page */
const lastLogSeq = (page) =>
  page.$eval("#timeline", (list) => Number(list.lastElementChild?.getAttribute("data-seq") ?? 0));

test("demo page: through the hub by default, direct as an option", { timeout: 150_000 }, async (t) => {
  const executablePath = chromiumPath();
  if (!executablePath) {
    t.skip("no Chromium: install Debian's chromium or set CHROME_PATH");
    return;
  }
  const demo = await startDemo({ build: "auto", port: 0, restPort: 0, rtmPort: 0, hubPort: 0, rate: 12 });
  t.after(() => demo.close());
  const hub = demo.hub;
  assert.ok(hub, "npm start runs a local hub");
  const browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage();
  /** @type {string[]} */
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
  /** @type {string[]} */
  const requested = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.setViewport(DESKTOP);
  await page.emulateMediaFeatures([{ name: "prefers-reduced-motion", value: "reduce" }]);
  await page.goto(demo.url, { waitUntil: "load" });
  const [token] = demo.emulator.tokens;
  assert.ok(token);
  const [siteA, siteB] = token.websites;
  assert.ok(siteA && siteB);
  /** @param {string} session @param {number} from @param {number} to */
  const inject = async (session, from, to) => {
    for (let n = from; n <= to; n += 1) {
      const payload = {
        website_id: siteA,
        session_id: session,
        fingerprint: n,
        type: "text",
        from: "user",
        origin: "chat",
        content: `numbered message ${n}`,
        timestamp: Date.now(),
        user: { nickname: "Exactly Once" },
      };
      await eventually(
        async () =>
          (await demo.emulator.control.inject({ event: "message:send", payload, website_id: siteA })).delivered > 0
            ? true
            : undefined,
        `the hub to take message ${n}`,
      );
    }
  };

  await t.test("labelled controls, live logs, one Connect button and a visible keyboard focus", async () => {
    const unlabelled = await page.$$eval("input", (inputs) =>
      inputs.filter((input) => (input.labels?.length ?? 0) === 0).map((input) => input.id || input.name),
    );
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.$eval("#conversations", (feed) => feed.getAttribute("role")), "log");
    assert.equal(await page.$eval("#timeline", (log) => log.getAttribute("role")), "log");
    const connectButtons = await page.$$eval(
      "button",
      (buttons) => buttons.filter((b) => /connect/i.test(b.textContent ?? "") && b.checkVisibility()).length,
    );
    assert.equal(connectButtons, 1, "one Connect button");
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const element = document.activeElement;
      return element ? { tag: element.tagName, outline: getComputedStyle(element).outlineStyle } : null;
    });
    assert.equal(focus?.outline, "solid", `the focused ${focus?.tag} shows an outline`);
  });

  await t.test(
    "connects through the hub by default, with a ticket from the backend, and renders chat bubbles",
    async () => {
      assert.equal(
        await page.$eval('input[name="mode"][value="hub"]', (input) => /** @type {HTMLInputElement} */ (input).checked),
        true,
      );
      await page.click("#connect-toggle");
      await page.waitForSelector('#state[data-state="ready"]', { timeout: 15_000 });
      await page.waitForFunction(
        () =>
          document.querySelectorAll('.bubble[data-from="user"]').length >= 2 &&
          document.querySelectorAll('.bubble[data-from="operator"]').length >= 1,
        { timeout: 20_000 },
      );
      assert.equal(await page.$eval("#connect-toggle", (button) => button.textContent), "Disconnect");
      assert.ok(
        requested.some((url) => url.endsWith("/api/ticket")),
        "the page asked its backend for a ticket",
      );
      assert.ok(
        !requested.some((url) => url.includes("/connect/endpoints")),
        "the page never discovered a Crisp endpoint itself",
      );
      const connections = (await demo.emulator.control.state()).connections.filter(
        (/** @type {any} */ c) => c.authenticated,
      );
      assert.equal(connections.length, 1, "one RTM connection: the hub's");
      const empty = await page.$$eval(
        ".conversation:not([hidden])",
        (cards) => cards.filter((card) => card.querySelectorAll(".bubble").length === 0).length,
      );
      assert.equal(empty, 0, "no empty conversation card");
    },
  );

  await t.test(
    "after the page's socket drops, the resumed feed has no duplicate and no missing message",
    async (st) => {
      await demo.emulator.control.traffic({ rate: 0 });
      // Restored when this subtest ends (on `t`, it would run after demo.close() and restart a stopped generator).
      st.after(() => demo.emulator.control.traffic({ rate: 12 }));
      const session = "session_demo_exactly_once";
      // A card shows its last 7 messages: 2 before the drop, 2 while the page is away, 2 after.
      await inject(session, 1, 2);
      await page.waitForFunction(
        (s) => document.querySelectorAll(`.conversation[data-session="${s}"] .bubble`).length >= 2,
        { timeout: 15_000 },
        session,
      );
      const after = await lastLogSeq(page);
      hub.dropSubscribers(1500);
      await inject(session, 3, 4);
      await logged(page, after, "Replayed \\d+ event");
      await inject(session, 5, 6);
      await page.waitForFunction(
        (s) => document.querySelectorAll(`.conversation[data-session="${s}"] .bubble`).length >= 6,
        { timeout: 15_000 },
        session,
      );
      await sleep(500);
      assert.deepEqual(await fingerprintsOf(page, session), [1, 2, 3, 4, 5, 6]);
      const lines = await page.$$eval("#timeline li", (items) => items.map((li) => li.textContent ?? ""));
      assert.ok(!lines.some((line) => /lost: connection lost/i.test(line)), "no repeated words in the log");
      const attempts = lines.filter((line) => /Reconnecting: attempt/.test(line));
      assert.match(attempts[0] ?? "", /attempt 1 /, "the first retry after a drop reads as the first");
      await demo.emulator.control.traffic({ rate: 12 });
    },
  );

  await t.test(
    "an upstream drop shows a downtime notice with its window; the feedback shows under the button",
    async () => {
      const after = await lastLogSeq(page);
      await page.click('button[data-fault="upstream-drop"]');
      await logged(
        page,
        after,
        "Downtime notice: the hub got nothing from Crisp from \\d\\d:\\d\\d:\\d\\d to \\d\\d:\\d\\d:\\d\\d",
      );
      const place = await page.evaluate(() => {
        const button = document.querySelector('button[data-fault="upstream-drop"]')?.getBoundingClientRect();
        const feedback = document.querySelector("#hub-fault-status");
        const box = feedback?.getBoundingClientRect();
        return button && box ? { gap: box.top - button.bottom, text: feedback?.textContent ?? "" } : null;
      });
      assert.ok(place && place.text.length > 0, "feedback shown");
      assert.ok(place.gap >= 0 && place.gap < 30, `the feedback is right under the clicked button (${place.gap} px)`);
    },
  );

  await t.test(
    "a filtered-out website's cards are hidden; the hub subscription resumes with the new filter",
    async () => {
      await page.waitForFunction(
        (b) => document.querySelector(`.conversation[data-website="${b}"]`) !== null,
        { timeout: 20_000 },
        siteB,
      );
      await setChecked(page, `#website-filters input[value="${siteB}"]`, false);
      await page.waitForFunction(() =>
        /re-subscribed to the hub/.test(document.querySelector("#bind-status")?.textContent ?? ""),
      );
      await page.waitForSelector('#state[data-state="ready"]', { timeout: 15_000 });
      await sleep(2000);
      const visibleB = await page.$$eval(
        `.conversation[data-website="${siteB}"]:not([hidden])`,
        (cards) => cards.length,
      );
      assert.equal(visibleB, 0, "no visible card of the filtered-out website");
      await setChecked(page, `#website-filters input[value="${siteB}"]`, true);
      await page.waitForFunction(
        (b) => document.querySelector(`.conversation[data-website="${b}"]:not([hidden])`) !== null,
        { timeout: 20_000 },
        siteB,
      );
    },
  );

  await t.test("screenshots at desktop and phone width (hub mode)", async () => {
    await page.$$eval(".bubble", (bubbles) => {
      for (const bubble of bubbles) bubble.setAttribute("data-seen", "");
    });
    await page.waitForFunction(() => document.querySelectorAll(".bubble:not([data-seen])").length >= 4, {
      timeout: 20_000,
    });
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await sleep(1500);
    await screenshot(page, "demo.png");
    await page.setViewport(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await sleep(500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow} px)`);
    const phone = await page.evaluate(() => ({
      faults: document.querySelector("#faults")?.getBoundingClientRect().top ?? Infinity,
      filters: document.querySelector("#event-filters")?.getBoundingClientRect().top ?? Infinity,
      feed: document.querySelector("#feed")?.getBoundingClientRect().top ?? -Infinity,
      total: document.querySelector("#kpi-total")?.checkVisibility() ?? false,
    }));
    assert.ok(
      phone.filters < phone.feed && phone.faults < phone.feed,
      "on a phone the controls come before the conversations",
    );
    assert.ok(phone.total, "the events total is shown on a phone");
    await screenshot(page, "demo-mobile.png");
    await page.setViewport(DESKTOP);
  });

  await t.test(
    "direct mode: a filter change is sent with socket:bind; a forced drop shows reconnecting → ready",
    async () => {
      await page.click("#connect-toggle");
      await page.waitForFunction(() => document.querySelector("#connect-toggle")?.textContent === "Connect");
      await page.evaluate(() => {
        const panel = document.querySelector("#connection-panel");
        if (panel instanceof HTMLDetailsElement) panel.open = true;
      });
      await page.click('input[name="mode"][value="direct"]');
      assert.equal(
        await page.$eval("#identifier", (input) => /** @type {HTMLInputElement} */ (input).value),
        token.identifier,
      );
      await page.click("#connect-toggle");
      await page.waitForSelector('#state[data-state="ready"]', { timeout: 15_000 });
      await setChecked(page, 'input[name="event-group"][value="messages"]', false);
      const payload = await boundTo(demo.emulator, (p) => !p.events.includes("message:send"));
      assert.ok(payload.events.includes("message:compose:send"), "other events stay bound");
      await page.waitForFunction(() =>
        /Filters applied/.test(document.querySelector("#bind-status")?.textContent ?? ""),
      );
      await setChecked(page, 'input[name="event-group"][value="messages"]', true);
      await boundTo(demo.emulator, (p) => p.events.includes("message:send"));

      const seq = await lastLogSeq(page);
      await page.click("#fault-drop");
      await page.waitForFunction(
        (after) => {
          const states = [...document.querySelectorAll("#timeline li")]
            .filter((li) => Number(li.getAttribute("data-seq")) > after)
            .map((li) => li.getAttribute("data-state"));
          const reconnecting = states.indexOf("reconnecting");
          return reconnecting !== -1 && states.indexOf("ready", reconnecting) !== -1;
        },
        { timeout: 15_000 },
        seq,
      );
      assert.equal(await page.$eval("#state", (pill) => pill.getAttribute("data-state")), "ready");
      const lines = await page.$$eval(
        "#timeline li",
        (items, after) =>
          items.filter((li) => Number(li.getAttribute("data-seq")) > after).map((li) => li.textContent ?? ""),
        seq,
      );
      assert.match(
        lines.find((line) => /Reconnecting: attempt/.test(line)) ?? "",
        /attempt 1 /,
        "the first retry after a drop reads as the first",
      );
    },
  );

  assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
});
