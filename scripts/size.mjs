// @ts-check
/**
 * Size check of the published bundles (issues 8, 14, 16, 19): gzip (node:zlib, level 9) of minified code. The client
 * entry `dist/crisp-rtm.js` (engine.io-client and socket.io-parser inlined) is measured three ways, and the largest
 * is held to CEILING and compared with GOAL:
 *   - file:   the file as published, whole, as a browser downloads it;
 *   - import: what esbuild keeps of it for `import { CrispRTM } from "crisp-rtm"` (size-limit's way, and how
 *             socket.io-client's bare `io` reference figure is taken);
 *   - all:    esbuild re-bundling every export of the file (a checker that points a bundler at the file).
 * The optional entries are loaded only by code that imports them; `dist/recover.js` and `dist/hub.js` have budgets
 * of their own. socket.io-client's bare `io` is bundled in the same run for the ratio.
 *
 * Exits 1 when a budget is exceeded (or a bundle is missing: run `npm run build` first).
 * `--json` prints the figures as one JSON object instead of the table.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const BUNDLE = "dist/crisp-rtm.js";
/**
 * Issue 14's goal for the complete client bundle, min + gzip, in bytes, with the dependencies bundled as published
 * (whole modules swapped by src/shims/, no text of theirs edited). Not met since issues 17 and 19 added their
 * features (the redaction, lifecycle and diagnostics, and the `recover` option's REST recovery): printed as a goal.
 */
export const GOAL = 12_000;
/**
 * What the size step enforces for the client: the measured size of today's features plus a little room, so that
 * growth is a decision, not an accident. Lower it with every saving; GOAL is where it should get back to.
 */
const CEILING = 15_000;
/** Issue 19's budget for `dist/recover.js` (the REST recovery alone), gzip, in bytes. */
export const RECOVER_GOAL = 3_000;
/**
 * Budget of `crisp-rtm/hub` (dist/hub.js, the file as published), gzip, in bytes. Issue 16 asked for about
 * 3,000 B; the shared core it bundles (typed emitter, RTMError, the events() iterator) takes 1,100 of them, and
 * the recovery notices (issue 19) about 120 more.
 */
export const HUB_GOAL = 4_100;

/** @param {Uint8Array | string} data */
const gzipSize = (data) => gzipSync(data, { level: 9 }).length;

/**
 * Bundles `source` (an ES module given as text) like the reference figures: esbuild, minified, browser, ESM.
 * @param {string} source
 */
async function bundle(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const bytes = /** @type {import("esbuild").OutputFile} */ (result.outputFiles[0]).contents;
  return { min: bytes.length, gzip: gzipSize(bytes) };
}

/** @param {string} file */
function fileSize(file) {
  const code = readFileSync(file);
  return { min: code.length, gzip: gzipSize(code) };
}

/** Measures everything. */
export async function measure() {
  const ours = fileSize(BUNDLE);
  const clientImport = await bundle(`export { CrispRTM } from "./${BUNDLE}";`);
  const clientAll = await bundle(`export * from "./${BUNDLE}";`);
  const webhook = fileSize("dist/webhook.js");
  const fetchWebSocket = fileSize("dist/fetch-websocket.js");
  const recover = fileSize("dist/recover.js");
  const hub = fileSize("dist/hub.js");
  const socketIoClient = await bundle('export { io } from "socket.io-client";');
  const largest = Math.max(ours.gzip, clientImport.gzip, clientAll.gzip);
  return {
    ours,
    clientImport,
    clientAll,
    webhook,
    fetchWebSocket,
    recover,
    hub,
    socketIoClient,
    ratio: ours.gzip / socketIoClient.gzip,
    largest,
    goal: GOAL,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let figures;
  try {
    figures = await measure();
  } catch (error) {
    console.error(`size: ${error instanceof Error ? error.message : error} (run \`npm run build\` first)`);
    process.exit(1);
  }
  const { ours, clientImport, clientAll, webhook, fetchWebSocket, recover, hub, socketIoClient, ratio, largest } =
    figures;
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(figures));
  } else {
    const row = (/** @type {string} */ name, /** @type {{ min: number, gzip: number }} */ size) =>
      `| ${name.padEnd(47)} | ${String(size.min).padStart(9)} | ${String(size.gzip).padStart(9)} |`;
    console.log(`| ${"bundle".padEnd(47)} | ${"min (B)".padStart(9)} | ${"gzip (B)".padStart(9)} |`);
    console.log(`| ${"-".repeat(47)} | ${"-".repeat(8)}: | ${"-".repeat(8)}: |`);
    console.log(row("crisp-rtm client, file (dist/crisp-rtm.js)", ours));
    console.log(row("crisp-rtm client, esbuild `import { CrispRTM }`", clientImport));
    console.log(row("crisp-rtm client, esbuild `export *`", clientAll));
    console.log(row("crisp-rtm/webhook (dist/webhook.js)", webhook));
    console.log(row("crisp-rtm/fetch-websocket", fetchWebSocket));
    console.log(row("crisp-rtm/recover (dist/recover.js)", recover));
    console.log(row("crisp-rtm/hub (dist/hub.js)", hub));
    console.log(row('socket.io-client, esbuild bare "io"', socketIoClient));
    console.log(`ratio crisp-rtm / socket.io-client (gzip, file): ${ratio.toFixed(2)}`);
    const verdict = (/** @type {number} */ size, /** @type {number} */ budget) =>
      size <= budget ? `met (${size} B)` : `EXCEEDED by ${size - budget} B`;
    console.log(`budget ${CEILING} B gzip for the client entry: ${verdict(largest, CEILING)}`);
    console.log(
      `goal ${GOAL} B gzip for the client entry (issue 14): ${largest <= GOAL ? "met" : `not met yet, ${largest - GOAL} B to go`}`,
    );
    console.log(`budget ${RECOVER_GOAL} B gzip for crisp-rtm/recover: ${verdict(recover.gzip, RECOVER_GOAL)}`);
    console.log(`budget ${HUB_GOAL} B gzip for crisp-rtm/hub: ${verdict(hub.gzip, HUB_GOAL)}`);
  }
  process.exit(largest <= CEILING && recover.gzip <= RECOVER_GOAL && hub.gzip <= HUB_GOAL ? 0 : 1);
}
