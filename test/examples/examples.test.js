// @ts-check
/**
 * Every file of demo/examples/ runs as its README section says, in its own runtime, against the emulator:
 * Node and Deno as the documented commands (over WSS with the emulator's local CA, trusted the documented
 * way), the page in Chromium from `npm start`'s server, the Workers in workerd (Miniflare). Each README code
 * block tagged with a file name is that file, so no snippet can rot. One line of `EXAMPLES` per file: a new
 * example without a line fails the first test. Needs `npm run build` (dist/).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import puppeteer from "puppeteer-core";
import { startEmulator } from "../../emulator/index.js";
import { startDemo } from "../../scripts/start.mjs";
import { SUBSCRIBER_SECRET, startHub } from "../hub/harness.js";
import { CHROMIUM_ARGS, chromiumPath } from "../support/chromium.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIR = `${ROOT}demo/examples`;
const DENO = `${ROOT}node_modules/.bin/deno`;
const NODE_FLAGS = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : [];
const HOOK_SECRET = "example-hook-secret";

/** @typedef {import("../../emulator/index.js").Emulator} Emulator */
/** @typedef {{ command: string, args: string[], env: Record<string, string> }} Command */
/** @typedef {(file: string, emulator: Emulator) => Command} CommandOf */
/** @typedef {{ file: string, tls?: boolean, run: (file: string, emulator: Emulator) => Promise<void> }} Example */
/** @typedef {Awaited<ReturnType<typeof startHub>>} Hub */

/** The credentials and REST base the README's commands take from the environment. @param {Emulator} emulator */
function crispEnv(emulator) {
  const [token] = emulator.tokens;
  assert.ok(token);
  return { CRISP_IDENTIFIER: token.identifier, CRISP_KEY: token.key, CRISP_REST_BASE: emulator.restUrl };
}

/** `node demo/examples/<file>`, trusting the emulator's CA with NODE_EXTRA_CA_CERTS. @type {CommandOf} */
const node = (file, emulator) => ({
  command: process.execPath,
  args: [...NODE_FLAGS, file],
  env: { ...crispEnv(emulator), ...(emulator.certs ? { NODE_EXTRA_CA_CERTS: emulator.certs.caPath } : {}) },
});

/** `npx deno run` with the README's permissions and `--cert` for the emulator's CA. @type {CommandOf} */
const deno = (file, emulator) => ({
  command: DENO,
  args: [
    "run",
    "--allow-env=CRISP_IDENTIFIER,CRISP_KEY,CRISP_REST_BASE",
    "--allow-net=localhost,127.0.0.1",
    ...(emulator.certs ? [`--cert=${emulator.certs.caPath}`] : []),
    file,
  ],
  env: { ...crispEnv(emulator), NO_COLOR: "1" },
});

/** `npx deno run` of the web hook server, on a free port. @type {CommandOf} */
const denoHooks = (file, emulator) => ({
  command: DENO,
  args: ["run", "--allow-env=CRISP_IDENTIFIER,CRISP_KEY,CRISP_HOOK_SECRET,PORT", "--allow-net=0.0.0.0", file],
  env: { ...crispEnv(emulator), CRISP_HOOK_SECRET: HOOK_SECRET, PORT: "0", NO_COLOR: "1" },
});

/** `npx deno run --allow-env --allow-net`, the hub consumers' command. @type {CommandOf} */
const denoHub = (file) => ({
  command: DENO,
  args: ["run", "--allow-env", "--allow-net", file],
  env: { NO_COLOR: "1" },
});

/** A command with more environment. @param {Command} command @param {Record<string, string>} env @returns {Command} */
const withEnv = (command, env) => ({ ...command, env: { ...command.env, ...env } });

/** Every example, with how it runs. Add a line for a new file of demo/examples/. @type {Example[]} */
const EXAMPLES = [
  { file: "node.mjs", tls: true, run: printsMessages(node) },
  { file: "deno.ts", tls: true, run: printsMessages(deno) },
  { file: "browser.html", run: inChromium },
  { file: "worker.ts", run: inWorkerd },
  { file: "webhook-worker.ts", run: hooksInWorkerd },
  { file: "webhook-deno.ts", run: hooksInProcess(denoHooks) },
  { file: "recover-node.mjs", run: recoversMessages },
  { file: "hub-node.mjs", run: onHub(hubConsumer(node)) },
  { file: "hub-deno.ts", run: onHub(hubConsumer(denoHub)) },
  { file: "hub-browser.html", run: onHub(hubDashboard) },
  { file: "hub-backend-node.mjs", run: onHub(hubDashboard) },
  { file: "hub-ticket-worker.ts", run: onHub(ticketInWorkerd) },
];

/**
 * A long-running process: started, it prints `connected`; an injected visitor message is printed; Ctrl+C
 * (SIGINT) ends it with exit code 0.
 * @param {CommandOf} commandOf
 */
function printsMessages(commandOf) {
  return async (/** @type {string} */ file, /** @type {Emulator} */ emulator) => {
    const child = startProcess(commandOf(file, emulator));
    try {
      await child.waitFor(/^connected/);
      const content = `hello from ${file}`;
      await emulator.control.inject({
        event: "message:send",
        payload: { session_id: "session_example", type: "text", content },
      });
      await child.waitFor(new RegExp(`^visitor in session_\\S+: ${content}$`));
      child.process.kill("SIGINT");
      assert.equal(await child.exited, 0, `${file} exits 0 on Ctrl+C\n${child.output()}`);
    } finally {
      child.process.kill("SIGKILL");
    }
  };
}

/** Injects a visitor message every 300 ms (until cleared): whatever must come up first (a hub, a socket) has. @param {Emulator} emulator @param {string} content */
function injecting(emulator, content) {
  return setInterval(() => {
    void emulator.control
      .inject({ event: "message:send", payload: { session_id: "session_example", type: "text", content } })
      .catch(() => {});
  }, 300);
}

/**
 * recover-node.mjs: a message from before the start is read back over REST; then, live, a message sent while
 * the RTM port is closed (the socket cut) arrives after the reconnect marked recovered; the script stops itself.
 * @param {string} file @param {Emulator} emulator
 */
async function recoversMessages(file, emulator) {
  const inject = (/** @type {string} */ session_id, /** @type {string} */ content) =>
    emulator.control.inject({
      event: "message:send",
      website_id: emulator.tokens[0]?.websites[0],
      payload: { session_id, type: "text", from: "user", origin: "chat", content },
    });
  await inject("session_before", "before the start");
  const child = startProcess(withEnv(node(file, emulator), { CRISP_RUN_MS: "12000" }));
  const live = injecting(emulator, "live");
  try {
    await child.waitFor(/^message:send in session_before: before the start$/);
    await child.waitFor(/^recovered [1-9]\d* messages with [1-9]\d* requests$/);
    await child.waitFor(/^live visitor message in session_example$/);
    clearInterval(live);
    const restarted = emulator.control.restart({ downMs: 1500 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await inject("session_cut", "during the cut")).delivered, 0, "the socket is cut");
    await restarted;
    await child.waitFor(/^recovered visitor message in session_cut$/);
    await child.waitFor(/^downtime \d+\.\.\d+: [1-9]\d* messages recovered$/);
    assert.equal(await child.exited, 0, `${file} stops after CRISP_RUN_MS\n${child.output()}`);
    assert.doesNotMatch(child.output(), /session_cut$[\s\S]*session_cut$/m, "the recovered message is delivered once");
  } finally {
    clearInterval(live);
    child.process.kill("SIGKILL");
  }
}

/**
 * Runs an example against the hub (demo/worker in Miniflare, as `npm start` runs it) on the emulator.
 * @param {(file: string, emulator: Emulator, hub: Hub) => Promise<void>} run
 */
function onHub(run) {
  return async (/** @type {string} */ file, /** @type {Emulator} */ emulator) => {
    const hub = await startHub({ emu: emulator });
    try {
      await run(file, emulator, hub);
    } finally {
      await hub.close();
    }
  };
}

/** @param {Hub} hub The env of the hub examples' commands. */
const hubEnv = (hub) => ({ HUB_URL: `ws://${hub.url.host}/events`, SUBSCRIBER_SECRET });

/**
 * A hub consumer process (bearer secret): an injected visitor message is printed, then EXIT_AFTER=1 ends it with 0.
 * @param {CommandOf} commandOf
 */
function hubConsumer(commandOf) {
  return async (/** @type {string} */ file, /** @type {Emulator} */ emulator, /** @type {Hub} */ hub) => {
    const child = startProcess(withEnv(commandOf(file, emulator), { ...hubEnv(hub), EXIT_AFTER: "1" }));
    const content = `hello from ${file}`;
    const sending = injecting(emulator, content);
    try {
      await child.waitFor(new RegExp(`^message:send session_example ${content}$`));
      assert.equal(await child.exited, 0, `${file} exits 0 after EXIT_AFTER events\n${child.output()}`);
    } finally {
      clearInterval(sending);
      child.process.kill("SIGKILL");
    }
  };
}

/** A free loopback port, for a command that prints the port it was given. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  assert.ok(address && typeof address === "object");
  return address.port;
}

/**
 * hub-browser.html served by hub-backend-node.mjs, in Chromium: the page gets a ticket from the backend, never the
 * secret, and shows an injected visitor message from the hub.
 * @param {string} _file @param {Emulator} emulator @param {Hub} hub
 */
async function hubDashboard(_file, emulator, hub) {
  const port = String(await freePort());
  const backend = startProcess(withEnv(node("hub-backend-node.mjs", emulator), { ...hubEnv(hub), PORT: port }));
  const browser = await launchChromium();
  const sending = injecting(emulator, "hello from the dashboard");
  try {
    await backend.waitFor(new RegExp(`^http://localhost:${port}/$`));
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "load" });
    assert.equal(
      await page.$eval('meta[name="crisp-hub"]', (meta) => meta.getAttribute("content")),
      hubEnv(hub).HUB_URL,
    );
    await page.waitForFunction(
      () =>
        document
          .querySelector("#messages")
          ?.textContent?.includes("message:send session_example: hello from the dashboard"),
      { timeout: 20_000 },
    );
    assert.ok(!(await page.content()).includes(SUBSCRIBER_SECRET), "the page never holds the subscriber secret");
    assert.deepEqual(errors, []);
  } finally {
    clearInterval(sending);
    await browser.close();
    backend.process.kill("SIGKILL");
  }
}

/**
 * hub-ticket-worker.ts in workerd: POST /api/crisp-ticket gets a ticket from the hub, which opens one subscription
 * (and only one) that receives an injected message; any other request is 404.
 * @param {string} file @param {Emulator} emulator @param {Hub} hub
 */
async function ticketInWorkerd(file, emulator, hub) {
  const { mf } = await startWorker(file, { HUB_ORIGIN: hub.url.origin, SUBSCRIBER_SECRET });
  try {
    const answer = await mf.dispatchFetch("http://localhost/api/crisp-ticket", { method: "POST" });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("cache-control"), "no-store");
    const { ticket } = /** @type {{ ticket: string }} */ (await answer.json());
    const query = `ticket=${encodeURIComponent(ticket)}`;
    const subscriber = await hub.subscribe(query, null);
    await subscriber.ready();
    assert.ok((await hub.subscribeRefused(query, null)).status >= 400, "a ticket opens one subscription");
    const sending = injecting(emulator, "through a ticket"); // until the hub's own Crisp connection is up
    await subscriber
      .waitFor(
        (messages) => messages.some((m) => m.type === "event" && m.payload.content === "through a ticket"),
        "the injected message",
        20_000,
      )
      .finally(() => clearInterval(sending));
    subscriber.close();
    assert.equal((await mf.dispatchFetch("http://localhost/api/crisp-ticket")).status, 404);
  } finally {
    await mf.dispose();
  }
}

/**
 * A web hook server process: the emulator signs and POSTs a hook as Crisp does; a good one gets 204 and is
 * printed by the listener, a wrongly signed one 401.
 * @param {CommandOf} commandOf
 */
function hooksInProcess(commandOf) {
  return async (/** @type {string} */ file, /** @type {Emulator} */ emulator) => {
    const child = startProcess(commandOf(file, emulator));
    try {
      const listening = await child.waitFor(/Listening on https?:\/\/[^:]+:(\d+)/);
      const url = `http://127.0.0.1:${listening[1]}/`;
      await postHooks(emulator, url);
      await child.waitFor(/^session_hook_1 a hook for the listeners$/);
    } finally {
      child.process.kill("SIGKILL");
    }
  };
}

/** @param {Emulator} emulator @param {string} url */
async function postHooks(emulator, url) {
  const [token] = emulator.tokens;
  const website_id = token?.websites[0] ?? "";
  const data = {
    session_id: "session_hook_1",
    type: "text",
    from: "user",
    origin: "chat",
    content: "a hook for the listeners",
  };
  const good = await emulator.control.webhook({ url, secret: HOOK_SECRET, event: "message:send", website_id, data });
  assert.equal(good.status, 204, good.text);
  const forged = await emulator.control.webhook({
    url,
    secret: "not-the-secret",
    event: "message:send",
    website_id,
    data,
  });
  assert.equal(forged.status, 401, forged.text);
}

/** Headless Chromium (Debian's, or CHROME_PATH). */
function launchChromium() {
  const executablePath = chromiumPath();
  assert.ok(executablePath, "no Chromium: install Debian's chromium or set CHROME_PATH");
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** The page, opened from `npm start`'s server; the form's REST base gets the emulator's port. @param {string} file */
async function inChromium(file) {
  const demo = await startDemo({ build: false, port: 0, restPort: 0, rtmPort: 0, rate: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`${demo.url}examples/${file}`, { waitUntil: "load" });
    const [token] = demo.emulator.tokens;
    assert.equal(
      await page.$eval("input[name=identifier]", (input) => input.value),
      token?.identifier,
      "the form holds the demo token",
    );
    assert.equal(
      await page.$eval("input[name=restBase]", (input) => input.value),
      "http://127.0.0.1:4281/v1",
      "npm start's REST base",
    );
    await page.$eval(
      "input[name=restBase]",
      (input, url) => {
        input.value = url;
      },
      demo.emulator.restUrl,
    );
    await page.click("button");
    await page.waitForFunction(() => document.querySelector("#log")?.textContent?.includes("connected"), {
      timeout: 15_000,
    });
    await demo.emulator.control.inject({
      event: "message:send",
      payload: { session_id: "session_example", type: "text", content: "hello from the page" },
    });
    await page.waitForFunction(
      () => /visitor in session_\S+: hello from the page/.test(document.querySelector("#log")?.textContent ?? ""),
      { timeout: 15_000 },
    );
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await demo.close();
  }
}

/**
 * Bundles a Worker as wrangler does (esbuild; `crisp-rtm` is this package itself, resolved by name through
 * package.json `exports`, as from node_modules in a project) and starts it in Miniflare with some bindings.
 * @param {string} file
 * @param {Record<string, string>} bindings
 */
async function startWorker(file, bindings) {
  const outfile = `${ROOT}.cache/examples/${file.replace(/\.ts$/, ".js")}`;
  await build({
    entryPoints: [`${DIR}/${file}`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    outfile,
    logLevel: "warning",
  });
  const { Miniflare } = await import("miniflare");
  /** @type {string[]} */
  const logs = [];
  const mf = new Miniflare({
    modules: true,
    scriptPath: outfile,
    compatibilityDate: "2026-04-01",
    bindings,
    port: 0,
    host: "127.0.0.1",
    handleStructuredLogs: ({ message }) => {
      logs.push(message); // the Worker's console, checked by the tests
    },
  });
  return { mf, url: await mf.ready, logs };
}

/** GET / answers the next visitor message: injected until the answer comes. @param {string} file @param {Emulator} emulator */
async function inWorkerd(file, emulator) {
  const { mf } = await startWorker(file, crispEnv(emulator));
  const injecting = setInterval(() => {
    void emulator.control
      .inject({ event: "message:send", payload: { type: "text", content: "hello from workerd" } })
      .catch(() => {});
  }, 300);
  try {
    const response = await mf.dispatchFetch("http://localhost/");
    const body = /** @type {{ content?: string }} */ (await response.json());
    assert.equal(response.status, 200);
    assert.equal(body.content, "hello from workerd");
  } finally {
    clearInterval(injecting);
    await mf.dispose();
  }
}

/** POST /crisp/hooks over the loopback: the emulator's signed hook → 204, a forged one → 401. @param {string} file @param {Emulator} emulator */
async function hooksInWorkerd(file, emulator) {
  const { mf, url, logs } = await startWorker(file, { CRISP_HOOK_SECRET: HOOK_SECRET });
  try {
    await postHooks(emulator, new URL("/crisp/hooks", url).href);
    assert.deepEqual(
      logs.filter((line) => line.includes("session_hook_1")),
      [`${emulator.tokens[0]?.websites[0]} session_hook_1 a hook for the listeners`],
    );
    assert.equal((await mf.dispatchFetch(new URL("/elsewhere", url))).status, 404);
  } finally {
    await mf.dispose();
  }
}

/**
 * Starts a process in demo/examples' parent (the repository root, where the README's commands run).
 * @param {Command} command
 */
function startProcess({ command, args, env }) {
  const child = spawn(
    command,
    args.map((arg) => (arg.endsWith(".mjs") || arg.endsWith(".ts") ? `demo/examples/${arg}` : arg)),
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  /** @type {string[]} */
  const lines = [];
  /** @type {Array<() => void>} */
  const waiting = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      for (const wake of waiting.splice(0)) wake();
    });
  }
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const wake of waiting.splice(0)) wake();
  });
  return {
    process: child,
    exited,
    output: () => lines.join("\n"),
    /** Resolves with the match of the first line matching `pattern`; fails after 20 s or if the process ends. @param {RegExp} pattern */
    async waitFor(pattern) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        for (const line of lines) {
          const match = pattern.exec(line);
          if (match) return match;
        }
        if (ended || Date.now() > deadline) assert.fail(`no line matching ${pattern}:\n${lines.join("\n")}`);
        await new Promise((resolve) => {
          waiting.push(() => resolve(undefined));
          setTimeout(resolve, 250);
        });
      }
    },
  };
}

test("every file of demo/examples has a line in EXAMPLES", () => {
  assert.deepEqual(readdirSync(DIR).sort(), EXAMPLES.map(({ file }) => file).sort());
});

test("README code blocks tagged with a file of demo/examples are that file", () => {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const blocks = [...readme.matchAll(/^```\w+ (demo\/examples\/[\w.-]+)\n([\s\S]*?)^```$/gm)];
  assert.ok(blocks.length >= 5, `README shows the examples (found ${blocks.length})`);
  for (const [, path, text] of blocks)
    assert.equal(text, readFileSync(`${ROOT}${path}`, "utf8"), `${path} in README.md`);
});

test("the TypeScript examples type-check: Deno's with deno check, the Workers' with tsc (strict)", {
  timeout: 120_000,
}, async () => {
  const ts = EXAMPLES.map(({ file }) => file).filter((file) => file.endsWith(".ts"));
  const forDeno = ts.filter((file) => readFileSync(`${DIR}/${file}`, "utf8").includes("Deno."));
  const forWorkers = ts.filter((file) => !forDeno.includes(file));
  const deno = startProcess({ command: DENO, args: ["check", ...forDeno], env: { NO_COLOR: "1" } });
  assert.equal(await deno.exited, 0, deno.output());
  const tscArgs = [
    "--ignoreConfig",
    "--noEmit",
    "--strict",
    "--exactOptionalPropertyTypes",
    "--target",
    "ES2022",
    "--module",
    "ESNext",
    "--moduleResolution",
    "bundler",
    "--lib",
    "ES2022,DOM",
    "--skipLibCheck",
  ];
  const tsc = startProcess({ command: `${ROOT}node_modules/.bin/tsc`, args: [...tscArgs, ...forWorkers], env: {} });
  assert.equal(await tsc.exited, 0, tsc.output());
});

for (const example of EXAMPLES) {
  test(`demo/examples/${example.file} runs against the emulator${example.tls ? " (WSS, local CA)" : ""}`, {
    timeout: 90_000,
  }, async () => {
    if (example.run === inChromium) {
      await inChromium(example.file);
      return;
    }
    const emulator = await startEmulator({ tls: example.tls === true });
    try {
      await example.run(example.file, emulator);
    } finally {
      await emulator.close();
    }
  });
}
