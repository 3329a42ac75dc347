// @ts-check
/**
 * The whole test suite, as `npm test` runs it: type checks, the library build, the Node tests of the
 * emulator, the browser suite in Chromium, then the other runtimes. Each step's counts are added up and the
 * run ends with one line: `N passed, N failed` (`, N skipped` when any).
 * `node scripts/test.mjs --only browser,node` runs a subset.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { ensureCerts } from "../emulator/tls.js";
import { buildScenarios } from "../test/support/build-scenarios.js";
import { buildSocketIO } from "../test/support/build-socketio.js";
import { startEmulatorManager } from "../test/support/emulator-manager.js";
import { ensureChromium } from "./ensure-chromium.mjs";

const RESULTS = ".cache/results";
const CERT_DIR = ".cache/emulator-tls";
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg === -1 ? undefined : (process.argv[onlyArg + 1] ?? "").split(",");

/** @typedef {{ passed: number, failed: number, skipped: number }} Counts */

/**
 * Runs a command with inherited output; resolves with its exit code.
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @param {RegExp} [dropStderr] standard error lines to leave out (a runtime's own harmless noise)
 * @returns {Promise<number>}
 */
function run(command, args, env = {}, dropStderr = undefined) {
  return new Promise((resolve) => {
    /** @type {import("node:child_process").StdioOptions} */
    const stdio = dropStderr ? ["inherit", "inherit", "pipe"] : "inherit";
    const child = spawn(command, args, { stdio, env: { ...process.env, ...env } });
    if (dropStderr && child.stderr) {
      createInterface({ input: child.stderr }).on("line", (line) => {
        if (!dropStderr.test(line)) process.stderr.write(`${line}\n`);
      });
    }
    child.on("close", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

/** @param {number} code @returns {Counts} one check counted as one test */
const check = (code) => ({ passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 });

/** @param {string} file @param {number} code @returns {Counts} */
function readCounts(file, code) {
  try {
    const counts = JSON.parse(readFileSync(file, "utf8"));
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

/** @param {string} file @param {number} code @returns {Counts} counts from a node:test TAP file */
function readTap(file, code) {
  try {
    const tap = readFileSync(file, "utf8");
    const field = (/** @type {string} */ name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(tap)?.[1] ?? 0);
    const counts = {
      passed: field("pass"),
      failed: field("fail") + field("cancelled"),
      skipped: field("skipped") + field("todo"),
    };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

const npx = (/** @type {string[]} */ ...args) => run("npx", ["--no-install", ...args]);

/** @type {Array<{ name: string, run: () => Promise<Counts> }>} */
const steps = [
  { name: "types", run: async () => check(await npx("tsc", "-p", "tsconfig.json")) },
  { name: "types", run: async () => check(await npx("tsc", "-p", "tsconfig.node.json")) },
  { name: "types", run: async () => check(await npx("tsc", "-p", "tsconfig.test.json")) },
  { name: "types", run: async () => check(await npx("tsc", "-p", "demo/tsconfig.json")) },
  // Formatting and lint (Biome, configured once in biome.jsonc) and dead files and exports (knip, knip.json).
  { name: "lint", run: async () => check(await npx("biome", "ci", "--reporter=summary", ".")) },
  { name: "lint", run: async () => check(await npx("knip", "--no-progress")) },
  { name: "build", run: async () => check(await run("npm", ["run", "--silent", "build"])) },
  { name: "package", run: async () => check(await npx("publint", "--strict")) },
  { name: "package", run: async () => check(await typesResolve()) },
  { name: "package", run: async () => check(await npx("deno", "publish", "--dry-run", "--allow-dirty", "--quiet")) },
  // API reference: every exported name of every entry has a doc comment (typedoc.config.mjs).
  { name: "docs", run: async () => check(await npx("typedoc", "--emit", "none")) },
  { name: "node", run: () => nodeTests("node", ["test/unit"]) },
  {
    name: "browser",
    run: async () => {
      ensureChromium();
      const code = await npx("web-test-runner", "--config", "web-test-runner.config.mjs");
      return readCounts(`${RESULTS}/browser.json`, code);
    },
  },
  { name: "hub", run: () => nodeTests("hub", ["test/hub"]) },
  {
    name: "demo",
    run: async () => {
      ensureChromium();
      return nodeTests("demo", ["test/demo"]);
    },
  },
  {
    name: "deno",
    run: async () => {
      const { caPath } = await prepareRuntimes();
      const manager = await startEmulatorManager();
      try {
        const junit = `${RESULTS}/deno.xml`;
        const code = await run(
          "npx",
          [
            "--no-install",
            "deno",
            "test",
            "-A",
            "--no-check",
            `--cert=${caPath}`,
            `--junit-path=${junit}`,
            "test/runtimes/deno/",
          ],
          { EMULATOR_MANAGER_URL: manager.url, NO_COLOR: "1" },
          // Deno's own WebSocket client prints this when it closes a TLS connection whose server went silent:
          // the half-open scenario does exactly that on purpose, and passes.
          /^Error polling connection: error shutting down connection$/,
        );
        return readJunit(junit, code);
      } finally {
        await manager.close();
      }
    },
  },
  {
    name: "node-rt",
    run: async () => {
      const { caPath } = await prepareRuntimes();
      const flags = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : [];
      return nodeTests("node-rt", ["test/runtimes/node"], { NODE_EXTRA_CA_CERTS: caPath }, flags);
    },
  },
  {
    name: "workerd",
    run: async () => {
      const { caPath } = await prepareRuntimes();
      return nodeTests("workerd", ["test/runtimes/workerd"], { NODE_EXTRA_CA_CERTS: caPath });
    },
  },
  {
    // Every file of demo/examples/ in its runtime (Node, Deno, Chromium, workerd) against the emulator.
    name: "examples",
    run: async () => {
      ensureChromium();
      return nodeTests("examples", ["test/examples"]);
    },
  },
  // Size budget of the client entry (min + gzip, 12,000 B however measured), printed beside socket.io-client's.
  { name: "size", run: async () => check(await run("node", ["scripts/size.mjs"])) },
];

/**
 * arethetypeswrong on the packed package, ESM-only profile. Its table lists the resolutions the profile ignores
 * (CommonJS `require`, node10) with skulls even when all is well, so a pass prints one line from its JSON
 * report, and only a failure prints the table.
 * @returns {Promise<number>} exit code
 */
async function typesResolve() {
  const args = ["--no-install", "attw", "--pack", ".", "--profile", "esm-only"];
  const { code, stdout } = await capture("npx", [...args, "--format", "json"]);
  if (code !== 0) return run("npx", args);
  try {
    const entries = Object.keys(JSON.parse(stdout).analysis.entrypoints);
    console.log(
      `attw: ${entries.join(", ")}: types and JavaScript resolve in node16 (ESM) and bundler (CommonJS and node10 are not targets)`,
    );
  } catch {
    return run("npx", args);
  }
  return 0;
}

/**
 * Runs a command and keeps its standard output; standard error is inherited.
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ code: number, stdout: string }>}
 */
function capture(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
    child.on("error", () => resolve({ code: 1, stdout }));
  });
}

/**
 * Runs node:test files of some folders; counts from its TAP report.
 * @param {string} name
 * @param {string[]} dirs
 * @param {Record<string, string>} [env]
 * @param {string[]} [nodeArgs]
 * @returns {Promise<Counts>}
 */
async function nodeTests(name, dirs, env = {}, nodeArgs = []) {
  const tap = `${RESULTS}/${name}.tap`;
  const files = dirs.flatMap((dir) => listTests(dir));
  if (files.length === 0) return { passed: 0, failed: 1, skipped: 0 };
  const reporters = [
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
  ];
  const code = await run("node", [...nodeArgs, "--test", "--test-concurrency=1", ...reporters, ...files], env);
  return readTap(tap, code);
}

/**
 * Prepares what the non-browser runtimes load: the scenarios bundle and the emulator's certificates.
 * @returns {Promise<{ caPath: string }>}
 */
async function prepareRuntimes() {
  await buildScenarios();
  await buildSocketIO();
  const { caPath } = await ensureCerts(CERT_DIR);
  return { caPath };
}

/** @param {string} file @param {number} code @returns {Counts} counts from a JUnit XML report */
function readJunit(file, code) {
  try {
    const xml = readFileSync(file, "utf8");
    const attr = (/** @type {string} */ name) =>
      Number(new RegExp(`<testsuites[^>]*\\b${name}="(\\d+)"`).exec(xml)?.[1] ?? 0);
    const failed = attr("failures") + attr("errors");
    const counts = { passed: attr("tests") - failed - attr("skipped"), failed, skipped: attr("skipped") };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

/** @param {string} dir @returns {string[]} */
function listTests(dir) {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".test.js"))
    .sort()
    .map((file) => `${dir}/${file}`);
}

rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });
/** @type {Counts} */
const total = { passed: 0, failed: 0, skipped: 0 };
/** @type {string[]} */
const lines = [];
for (const step of steps) {
  if (only && !only.includes(step.name)) continue;
  console.log(`\n── ${step.name} ──`);
  let counts;
  try {
    counts = await step.run();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  lines.push(
    `${step.name.padEnd(8)} ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`,
  );
}
console.log(`\n${lines.join("\n")}`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.exit(total.failed === 0 ? 0 : 1);
