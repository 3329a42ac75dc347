// @ts-check
/**
 * Size check of the published bundles (issue 8): gzip (node:zlib, level 9) of minified code. The client entry
 * `dist/crisp-rtm.js` (engine.io-client and socket.io-parser inlined) must stay within GOAL however it is
 * measured:
 *   - file:   the file as published, whole, as a browser downloads it;
 *   - import: what esbuild keeps of it for `import { CrispRTM } from "crisp-rtm"` (size-limit's way, and how
 *             socket.io-client's bare `io` reference figure is taken);
 *   - all:    esbuild re-bundling every export of the file (a checker that points a bundler at the file).
 * The optional entries (`dist/webhook.js`, `dist/fetch-websocket.js`) are loaded only by code that imports them;
 * they are printed, not budgeted. socket.io-client's bare `io` is bundled in the same run for the ratio.
 *
 * Exits 1 when a client measure is over GOAL (or a bundle is missing: run `npm run build` first).
 * `--json` prints the figures as one JSON object instead of the table.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const BUNDLE = "dist/crisp-rtm.js";
/** Issue 8's budget for the complete client bundle, min + gzip, in bytes. */
export const GOAL = 10_000;
/**
 * Budget of `crisp-rtm/hub` (dist/hub.js, the file as published), gzip, in bytes. Issue 16 asked for about
 * 3,000 B; the shared core it bundles (typed emitter, RTMError, the events() iterator) takes 1,100 of them.
 */
export const HUB_GOAL = 4_000;

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
  const hub = fileSize("dist/hub.js");
  const socketIoClient = await bundle('export { io } from "socket.io-client";');
  const largest = Math.max(ours.gzip, clientImport.gzip, clientAll.gzip);
  return { ours, clientImport, clientAll, webhook, fetchWebSocket, hub, hubGoal: HUB_GOAL, socketIoClient, ratio: ours.gzip / socketIoClient.gzip, largest, goal: GOAL };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let figures;
  try {
    figures = await measure();
  } catch (error) {
    console.error(`size: ${error instanceof Error ? error.message : error} (run \`npm run build\` first)`);
    process.exit(1);
  }
  const { ours, clientImport, clientAll, webhook, fetchWebSocket, hub, socketIoClient, ratio, largest } = figures;
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
    console.log(row("crisp-rtm/hub (dist/hub.js)", hub));
    console.log(row('socket.io-client, esbuild bare "io"', socketIoClient));
    console.log(`ratio crisp-rtm / socket.io-client (gzip, file): ${ratio.toFixed(2)}`);
    const verdict = largest <= GOAL ? `met (largest measure ${largest} B)` : `EXCEEDED by ${largest - GOAL} B`;
    console.log(`budget ${GOAL} B gzip for the client entry: ${verdict}`);
    console.log(`budget ${HUB_GOAL} B gzip for crisp-rtm/hub: ${hub.gzip <= HUB_GOAL ? `met (${hub.gzip} B)` : `EXCEEDED by ${hub.gzip - HUB_GOAL} B`}`);
  }
  process.exit(largest <= GOAL && hub.gzip <= HUB_GOAL ? 0 : 1);
}
