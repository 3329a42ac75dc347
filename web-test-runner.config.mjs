// @ts-check
import { esbuildPlugin } from "@web/dev-server-esbuild";
import { defaultReporter, summaryReporter } from "@web/test-runner";
import { chromeLauncher } from "@web/test-runner-chrome";
import { CHROMIUM_ARGS, chromiumPath } from "./test/support/chromium.js";
import { startEmulatorManager } from "./test/support/emulator-manager.js";
import { countReporter } from "./test/support/wtr-count-reporter.js";

/** Starts the emulator manager for the run and tells the pages where it is (GET /__emulator-manager). */
function emulatorManagerPlugin() {
  /** @type {Awaited<ReturnType<typeof startEmulatorManager>> | undefined} */
  let manager;
  return {
    name: "crisp-emulator-manager",
    async serverStart() {
      manager = await startEmulatorManager({ defaults: { tls: true } });
    },
    async serverStop() {
      await manager?.close();
    },
    /** @param {{ path: string }} context */
    serve(context) {
      if (context.path === "/__emulator-manager") {
        return { body: JSON.stringify({ url: manager?.url }), type: "json" };
      }
      return undefined;
    },
  };
}

/**
 * The default reporter without its progress line while no test file has finished: in a terminal that is not
 * interactive (npm test's output, CI logs) that first line reads "0/N test files | 0 passed, 0 failed" and
 * stays on screen like a result. Later progress lines, with real counts, are kept.
 * @returns {import("@web/test-runner").Reporter}
 */
function progressAfterFirstFile() {
  const reporter = defaultReporter();
  const progress = reporter.getTestProgress?.bind(reporter);
  return {
    ...reporter,
    getTestProgress: (args) =>
      progress && args.sessions.some((session) => session.status === "FINISHED") ? progress(args) : [],
  };
}

export default {
  files: process.env.WTR_FILES
    ? process.env.WTR_FILES.split(",")
    : ["test/browser/**/*.test.ts", "test/runtimes/chromium/**/*.test.ts"],
  nodeResolve: { browser: true, exportConditions: ["browser", "production"] },
  concurrency: 1,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [esbuildPlugin({ ts: true, target: "es2022" }), emulatorManagerPlugin()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath(),
        headless: true,
        args: [...CHROMIUM_ARGS, "--ignore-certificate-errors"],
      },
    }),
  ],
  reporters: [
    progressAfterFirstFile(),
    summaryReporter({ flatten: false }),
    countReporter(".cache/results/browser.json"),
  ],
};
