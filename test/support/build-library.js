// @ts-check
/**
 * Bundles the library from `src/` (not `dist/`, so a measurement always sees the current source) into one ESM
 * file for Node child processes: the browser build of engine.io-client is inlined, as in `dist/crisp-rtm.js`.
 */
import { build } from "esbuild";

/**
 * Builds `src/index.ts` into `outfile`.
 * @param {string} outfile
 */
export async function buildLibrary(outfile) {
  await build({
    entryPoints: [new URL("../../src/index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser", "production"],
    target: "es2022",
    outfile,
    logLevel: "warning",
  });
}
