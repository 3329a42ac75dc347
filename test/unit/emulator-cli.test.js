// @ts-check
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CLI_DEFAULTS } from "../../emulator/options.js";
import { DEFAULT_PORTS } from "../../scripts/start.mjs";
import { basicAuth, getJson, once } from "./emulator-helpers.js";

const CLI = fileURLToPath(new URL("../../emulator/cli.js", import.meta.url));

/**
 * Runs the CLI to completion and returns its exit code and output.
 * @param {string[]} args
 */
async function run(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, "exit", 10000).then((c) => [c]);
  return { code, stdout, stderr };
}

describe("emulator CLI", () => {
  it("prints one JSON line, serves discovery, and exits 0 on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "--any-port", "--rate", "20", "--auth-timeout", "500", "--limit", "3"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = await once(lines, "line", 10000).then((line) => [line]);
      lines.close();
      const info = JSON.parse(first);
      assert.match(info.restUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.match(info.rtmUrl, /^ws:\/\/127\.0\.0\.1:\d+\/p\/1\/$/);
      assert.match(info.controlUrl, /\/_emulator$/);
      assert.equal(info.tokens.length, 2);
      const [token] = info.tokens;
      assert.equal(typeof token.key, "string");
      const { status, body } = await getJson(`${info.restUrl}/plugin/connect/endpoints`, {
        Authorization: basicAuth(token),
        "X-Crisp-Tier": "plugin",
      });
      assert.equal(status, 200);
      assert.equal(body.data.socket.app, info.rtmUrl);
      const state = await getJson(`${info.controlUrl}/state`);
      assert.equal(state.body.traffic.rate, 20);
      assert.equal(state.body.config.authTimeoutMs, 500);
      assert.equal(state.body.config.connectionLimit, 3);
      assert.match(stderr, /Crisp RTM emulator running/);
    } finally {
      child.kill("SIGTERM");
    }
    assert.deepEqual(await exited, { code: 0, signal: null });
  });

  it("generates a modest traffic by default, none with --rate 0", async () => {
    /** @type {Array<[string[], number]>} */
    const cases = [
      [[], 2],
      [["--rate", "0"], 0],
    ];
    for (const [args, rate] of cases) {
      const child = spawn(process.execPath, [CLI, "--any-port", ...args], { stdio: ["ignore", "pipe", "ignore"] });
      const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
      try {
        const lines = createInterface({ input: child.stdout });
        const [first] = await once(lines, "line", 10000).then((line) => [line]);
        lines.close();
        const state = await getJson(`${JSON.parse(first).controlUrl}/state`);
        assert.equal(state.body.traffic.rate, rate, `rate with ${JSON.stringify(args)}`);
      } finally {
        child.kill("SIGTERM");
      }
      assert.equal(await exited, 0);
    }
  });

  it("prints usage with --help and fails on unknown options", async () => {
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: node emulator\/cli\.js/);
    assert.deepEqual(
      [CLI_DEFAULTS.restPort, CLI_DEFAULTS.rtmPort],
      [DEFAULT_PORTS.rest, DEFAULT_PORTS.rtm],
      "the ports of npm start",
    );
    assert.match(
      help.stdout,
      new RegExp(`--rest-port <n> +REST \\+ control port \\(default ${DEFAULT_PORTS.rest}, as npm start`),
    );
    assert.match(help.stdout, new RegExp(`--rtm-port <n> +RTM port \\(default ${DEFAULT_PORTS.rtm}, as npm start`));
    const bad = await run(["--bogus"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bogus/);
  });
});
