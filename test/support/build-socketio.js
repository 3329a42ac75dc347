// @ts-check
/**
 * Bundles the Socket.IO layer (`src/socketio/index.ts`, internal to crisp-rtm) for the runtimes that test it
 * outside a bundler-aware runner (Deno, Node): one self-contained ESM file, built through the project's own
 * `vite.config.ts` (same resolve conditions, same dependency handling as `dist/crisp-rtm.js`) with only the
 * entry, the output place and minification changed, so the layer under test is the layer that ships.
 */
import { build } from "vite";

/** Builds the layer into `.cache/socketio/index.js`. */
export async function buildSocketIO() {
  await build({
    configFile: "vite.config.ts",
    logLevel: "warn",
    build: {
      outDir: ".cache/socketio",
      emptyOutDir: true,
      sourcemap: false,
      minify: false,
      rolldownOptions: { output: { minify: false, postBanner: "" } },
      lib: { entry: "src/socketio/index.ts", formats: ["es"], fileName: () => "index.js" },
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildSocketIO();
