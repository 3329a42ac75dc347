// @ts-check
/**
 * The demo page in Chromium against the emulator: events render as chat bubbles, a filter change goes out as
 * `socket:bind` and takes effect, a forced drop shows reconnecting → ready. Saves screenshots to .cache/demo/,
 * and to docs/ (the README's pictures) when UPDATE_SCREENSHOTS=1, so a test run leaves the work tree clean.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import { startDemo } from "../../scripts/start.mjs";
import { chromiumPath } from "../support/chromium.js";

const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));
const CACHE = fileURLToPath(new URL("../../.cache/demo/", import.meta.url));
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 812 };

/** @typedef {import("puppeteer-core").Page} Page */

/**
 * @param {Page} page
 * @param {string} name
 * @returns {Promise<number>} the count shown for an event name in the counters table
 */
async function counted(page, name) {
  return page.$eval("#counters tbody", (body, event) => {
    const row = [...body.querySelectorAll("tr")].find((tr) => tr.dataset.event === event);
    return Number(row?.querySelector(".num")?.textContent?.replace(/\D/g, "") ?? 0);
  }, name);
}

/**
 * @param {Page} page
 * @returns {Promise<number>} the sum of the counters table
 */
async function countedTotal(page) {
  return page.$$eval("#counters tbody .num", (cells) => cells.reduce((sum, cell) => sum + Number(cell.textContent?.replace(/\D/g, "") ?? 0), 0));
}

/**
 * @param {Page} page
 * @param {string} selector
 * @returns {Promise<number>}
 */
function countOf(page, selector) {
  return page.$$eval(selector, (elements) => elements.length);
}

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

test("demo page against the emulator", { timeout: 90_000 }, async (t) => {
  const executablePath = chromiumPath();
  if (!executablePath) {
    t.skip("no Chromium: install Debian's chromium or set CHROME_PATH");
    return;
  }
  const demo = await startDemo({ build: "auto", port: 0, restPort: 0, rtmPort: 0, rate: 12 });
  t.after(() => demo.close());
  const browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage();
  /** @type {string[]} */
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
  await page.setViewport(DESKTOP);
  await page.emulateMediaFeatures([{ name: "prefers-reduced-motion", value: "reduce" }]);
  await page.goto(demo.url, { waitUntil: "load" });
  const [token] = demo.emulator.tokens;
  assert.ok(token);
  const [siteA, siteB] = token.websites;
  assert.ok(siteA && siteB);

  await t.test("labelled controls, live logs and a visible keyboard focus", async () => {
    const unlabelled = await page.$$eval("input", (inputs) =>
      inputs.filter((input) => (input.labels?.length ?? 0) === 0).map((input) => input.id || input.name));
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.$eval("#conversations", (feed) => feed.getAttribute("role")), "log");
    assert.equal(await page.$eval("#timeline", (log) => log.getAttribute("role")), "log");
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const element = document.activeElement;
      return element ? { tag: element.tagName, outline: getComputedStyle(element).outlineStyle } : null;
    });
    assert.equal(focus?.outline, "solid", `the focused ${focus?.tag} shows an outline`);
  });

  await t.test("connects with the pre-filled emulator token and renders chat bubbles", async () => {
    assert.equal(await page.$eval("#identifier", (input) => /** @type {HTMLInputElement} */ (input).value), token.identifier);
    await page.click("#connect-toggle");
    await page.waitForSelector('#state[data-state="ready"]', { timeout: 10_000 });
    await page.waitForFunction(
      () => document.querySelectorAll('.bubble[data-from="user"]').length >= 2 && document.querySelectorAll('.bubble[data-from="operator"]').length >= 1,
      { timeout: 20_000 },
    );
    assert.ok((await countOf(page, ".conversation")) >= 1);
    await page.waitForFunction(() => document.querySelector('#counters tr[data-event="message:send"]') !== null);
    assert.equal(await page.$eval("#connect-toggle", (button) => button.textContent), "Disconnect");
  });

  await t.test("a filter change is sent with socket:bind and takes effect", async () => {
    const websiteB = `#website-filters input[value="${siteB}"]`;
    await setChecked(page, 'input[name="event-group"][value="messages"]', false);
    await setChecked(page, websiteB, false);
    const payload = await boundTo(demo.emulator, (p) => !p.events.includes("message:send") && p.rooms.length === 1);
    assert.ok(payload.events.includes("message:compose:send"), "other events stay bound");
    assert.deepEqual(payload.rooms, [siteA]);
    await page.waitForFunction(() => /Filters applied/.test(document.querySelector("#bind-status")?.textContent ?? ""));

    await sleep(800);
    const sendsBefore = await counted(page, "message:send");
    await page.$$eval(".bubble", (bubbles) => bubbles.forEach((bubble) => bubble.setAttribute("data-seen", "")));
    const totalBefore = await countedTotal(page);
    await sleep(3000);
    assert.equal(await counted(page, "message:send"), sendsBefore, "no message:send after the filter dropped it");
    assert.equal(await countOf(page, ".bubble:not([data-seen])"), 0, "no new bubble after the filter dropped messages");
    assert.ok((await countedTotal(page)) > totalBefore, "other events keep flowing");

    await setChecked(page, 'input[name="event-group"][value="messages"]', true);
    await setChecked(page, websiteB, true);
    const restored = await boundTo(demo.emulator, (p) => p.events.includes("message:send") && p.rooms.length === 2);
    assert.deepEqual([...restored.rooms].sort(), [siteA, siteB].sort());
  });

  await t.test("after a forced drop the state goes reconnecting → ready", async () => {
    const seq = await page.$eval("#timeline", (list) => Number(list.lastElementChild?.getAttribute("data-seq") ?? 0));
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
    const state = await demo.emulator.control.state();
    assert.ok(state.counters.authenticated >= 2, "authenticated again after the drop");
  });

  await t.test("screenshots at desktop and phone width", async () => {
    await page.waitForFunction(() => document.querySelectorAll(".bubble:not([data-seen])").length >= 4, { timeout: 20_000 });
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await sleep(1500);
    await screenshot(page, "demo.png");
    await page.setViewport(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await sleep(500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow} px)`);
    await screenshot(page, "demo-mobile.png");
  });

  assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
});
