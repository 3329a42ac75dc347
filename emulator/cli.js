#!/usr/bin/env node
// @ts-check
/**
 * Command line: starts an emulator, prints one JSON line (URLs and tokens, demo keys included) on
 * stdout, a banner on stderr, and runs until SIGINT/SIGTERM (exit 0).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { startEmulator } from "./index.js";
import { CLI_DEFAULTS } from "./options.js";

const USAGE = `Usage: node emulator/cli.js [options]

Starts a local Crisp RTM emulator (REST discovery + socket.io RTM + control API).
The first stdout line is a JSON object: {"restUrl","rtmUrl","controlUrl","tokens":[...]}.

Options:
  --tls                 HTTPS/WSS with a certificate signed by a local CA
  --host <addr>         bind address (default 127.0.0.1)
  --rest-port <n>       REST + control port (default ${CLI_DEFAULTS.restPort}, as npm start; 0: any free port)
  --rtm-port <n>        RTM port (default ${CLI_DEFAULTS.rtmPort}, as npm start; 0: any free port)
  --any-port            any free ports instead of the defaults (what scripts and tests want)
  --rate <n>            generated conversation events per second (default ${CLI_DEFAULTS.rate}; 0: off)
  --seed <n>            seed of the conversation generator (default 1)
  --tokens <file.json>  tokens: [{"identifier","key","websites":[...],"tier":"plugin"}]
  --auth-timeout <ms>   authentication deadline (default 10000, 0 = none)
  --limit <n>           authenticated connections per token (default 10)
  --limit-mode <mode>   kick | silent (default kick)
  --ping-interval <ms>  Engine.IO ping interval (default 25000)
  --ping-timeout <ms>   Engine.IO ping timeout (default 20000)
  --rtm-path <path>     Engine.IO path advertised in socket.app (default /p/1/)
  --cert-dir <dir>      where ca.pem, cert.pem, key.pem are kept (default .cache/emulator-tls)
  --log                 log requests and socket events to stderr
  -h, --help            show this help
`;

/**
 * @param {string | undefined} value
 * @param {string} name
 * @returns {number | undefined}
 */
function number(value, name) {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || value.trim() === "")
    throw new TypeError(`--${name} expects a number, got "${value}"`);
  return parsed;
}

/**
 * @param {string} path
 * @returns {Promise<import("./options.js").TokenSpec[]>}
 */
async function readTokens(path) {
  const parsed = JSON.parse(await readFile(path, "utf8"));
  return Array.isArray(parsed) ? parsed : parsed.tokens;
}

async function main() {
  const { values } = parseArgs({
    options: {
      tls: { type: "boolean" },
      host: { type: "string" },
      "rest-port": { type: "string" },
      "rtm-port": { type: "string" },
      rate: { type: "string" },
      seed: { type: "string" },
      tokens: { type: "string" },
      "auth-timeout": { type: "string" },
      limit: { type: "string" },
      "limit-mode": { type: "string" },
      "ping-interval": { type: "string" },
      "ping-timeout": { type: "string" },
      "rtm-path": { type: "string" },
      "cert-dir": { type: "string" },
      log: { type: "boolean" },
      "any-port": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  /** @type {import("./options.js").EmulatorOptions} */
  const options = { tls: values.tls === true, log: values.log === true };
  const set = (/** @type {keyof import("./options.js").EmulatorOptions} */ key, /** @type {unknown} */ value) => {
    if (value !== undefined) Object.assign(options, { [key]: value });
  };
  set("host", values.host);
  const anyPort = values["any-port"] === true;
  set("restPort", number(values["rest-port"], "rest-port") ?? (anyPort ? 0 : CLI_DEFAULTS.restPort));
  set("rtmPort", number(values["rtm-port"], "rtm-port") ?? (anyPort ? 0 : CLI_DEFAULTS.rtmPort));
  set("authTimeoutMs", number(values["auth-timeout"], "auth-timeout"));
  set("connectionLimit", number(values.limit, "limit"));
  set("limitMode", values["limit-mode"]);
  set("pingInterval", number(values["ping-interval"], "ping-interval"));
  set("pingTimeout", number(values["ping-timeout"], "ping-timeout"));
  set("rtmPath", values["rtm-path"]);
  set("certDir", values["cert-dir"]);
  if (values.tokens !== undefined) options.tokens = await readTokens(values.tokens);
  const rate = number(values.rate, "rate") ?? CLI_DEFAULTS.rate;
  const seed = number(values.seed, "seed");
  options.traffic = { rate, ...(seed === undefined ? {} : { seed }) };

  const emu = await startEmulator(options);
  const info = {
    restUrl: emu.restUrl,
    rtmUrl: emu.rtmUrl,
    controlUrl: emu.controlUrl,
    tokens: emu.tokens.map(({ identifier, key, websites, tier }) => ({ identifier, key, websites, tier })),
    ...(emu.certs ? { caPath: emu.certs.caPath } : {}),
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.stderr.write(
    [
      "Crisp RTM emulator running",
      `  REST     ${emu.restUrl}`,
      `  RTM      ${emu.rtmUrl}`,
      `  control  ${emu.controlUrl}/state`,
      ...(emu.certs ? [`  CA       ${emu.certs.caPath}`] : []),
      ...emu.tokens.map((t) => `  token    ${t.identifier} (${t.tier}) websites ${t.websites.join(", ")}`),
      `  traffic  ${rate} generated events per second${rate === 0 ? "" : " (--rate 0: none)"}`,
      'For the examples of demo/examples (README, "Runnable examples"):',
      ...(emu.tokens[0]
        ? [
            `  export CRISP_IDENTIFIER=${emu.tokens[0].identifier} CRISP_KEY=${emu.tokens[0].key} CRISP_REST_BASE=${emu.restUrl}`,
          ]
        : []),
      ...(emu.certs
        ? [`  export NODE_EXTRA_CA_CERTS=${emu.certs.caPath}   # Node, wrangler; Deno: --cert ${emu.certs.caPath}`]
        : []),
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") {
    process.stderr.write(
      `crisp-rtm emulator: ${error.message}. Is another emulator (or npm start) running? Stop it, or pass --any-port or --rest-port/--rtm-port.\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`crisp-rtm emulator: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
});
