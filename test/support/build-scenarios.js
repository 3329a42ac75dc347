// @ts-check
/**
 * Bundles the shared scenarios (test/scenarios, TypeScript) into one ESM file for the runtimes that load
 * plain JavaScript next to the built library: Deno, Node and workerd. The library itself is not bundled in:
 * each runtime passes the built `dist/crisp-rtm.js` to the scenarios.
 */
import { build } from "esbuild";

/** Where the bundle is written. */
export const SCENARIOS_BUNDLE = ".cache/scenarios.js";

/** Builds {@link SCENARIOS_BUNDLE}. */
export async function buildScenarios() {
  await build({
    entryPoints: ["test/scenarios/index.ts"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outfile: SCENARIOS_BUNDLE,
    logLevel: "warning",
  });
}
