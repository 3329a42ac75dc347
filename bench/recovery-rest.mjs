// @ts-check
/**
 * Recovery over REST (issue 19): how many requests and how long `recoverMessages` (dist/recover.js) takes to read
 * back N missed messages spread across W websites (conversations of 5 messages), from the local emulator's
 * history routes (plaintext, 127.0.0.1, no added latency: the time is the client's and the emulator's, a floor
 * for Crisp's API where each request costs a round trip). Prints one row per concurrency.
 *   node bench/recovery-rest.mjs [--messages 200] [--websites 20] [--quick]
 * `npm run bench` runs it as its `recovery-rest` part (`--only recovery-rest`).
 */
import { startEmulator } from "../emulator/index.js";

/**
 * @param {{ messages?: number, websites?: number, runs?: number }} [plan]
 * @returns {Promise<{ messages: number, websites: number, conversations: number, rows: { concurrency: number, requests: number, count: number, medianMs: number, minMs: number, maxMs: number, perRoute: Record<string, number> }[] }>}
 */
export async function benchRecoveryRest({ messages = 200, websites = 20, runs = 5 } = {}) {
  const { recoverMessages } = await import("../dist/recover.js");
  const ids = Array.from({ length: websites }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`);
  const emu = await startEmulator({
    tokens: [{ identifier: "bench-recovery", key: "bench-key", websites: ids, tier: "plugin" }],
  });
  try {
    const since = Date.now() - 60_000;
    const perConversation = 5;
    let conversations = 0;
    for (let i = 0; i < messages; i += 1) {
      const website = /** @type {string} */ (ids[Math.floor(i / perConversation) % websites]);
      const session = `session_${Math.floor(i / (perConversation * websites))}_${Math.floor(i / perConversation) % websites}`;
      if (i % perConversation === 0) conversations += 1;
      const from = i % 2 ? "operator" : "user";
      await emu.control.inject({
        event: from === "user" ? "message:send" : "message:received",
        website_id: website,
        payload: {
          session_id: session,
          type: "text",
          from,
          origin: "chat",
          content: `missed #${i}`,
          user: {},
          timestamp: since + 1 + i,
        },
      });
    }
    const rows = [];
    for (const concurrency of [1, 4, 8]) {
      /** @type {number[]} */
      const times = [];
      let requests = 0;
      let count = 0;
      /** @type {Record<string, number>} */
      let perRoute = {};
      for (let run = 0; run < runs; run += 1) {
        await emu.control.reset();
        const started = performance.now();
        const recovery = recoverMessages({
          identifier: "bench-recovery",
          key: "bench-key",
          restBase: emu.restUrl,
          window: { since, until: since + messages + 1 },
          concurrency,
        });
        let yielded = 0;
        for await (const _ of recovery) yielded += 1;
        times.push(performance.now() - started);
        requests = recovery.result.requests;
        count = yielded;
        perRoute = {};
        for (const entry of (await emu.control.state()).restLog)
          perRoute[String(entry.route)] = (perRoute[String(entry.route)] ?? 0) + 1;
      }
      times.sort((a, b) => a - b);
      rows.push({
        concurrency,
        requests,
        count,
        medianMs: /** @type {number} */ (times[Math.floor(times.length / 2)]),
        minMs: /** @type {number} */ (times[0]),
        maxMs: /** @type {number} */ (times.at(-1)),
        perRoute,
      });
    }
    return { messages, websites, conversations, rows };
  } finally {
    await emu.close();
  }
}

/** Prints the figures as a table. @param {Awaited<ReturnType<typeof benchRecoveryRest>>} figures */
export function printRecoveryRest(figures) {
  console.log(
    `\nRecovery over REST: ${figures.messages} missed messages in ${figures.conversations} conversations across ${figures.websites} websites (crisp-rtm/recover, local emulator)`,
  );
  console.log(
    "| concurrency | recovered | requests (websites + conversations + messages) | median ms | min ms | max ms |",
  );
  console.log(
    "| ----------: | --------: | ---------------------------------------------- | --------: | -----: | -----: |",
  );
  for (const row of figures.rows) {
    const routes = `${row.requests} (${row.perRoute.websites ?? 0} + ${row.perRoute.conversations ?? 0} + ${row.perRoute.messages ?? 0})`;
    console.log(
      `| ${String(row.concurrency).padStart(11)} | ${String(row.count).padStart(9)} | ${routes.padEnd(46)} | ${row.medianMs.toFixed(1).padStart(9)} | ${row.minMs.toFixed(1).padStart(6)} | ${row.maxMs.toFixed(1).padStart(6)} |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (/** @type {string} */ flag, /** @type {number} */ fallback) =>
    process.argv.includes(flag) ? Number(process.argv[process.argv.indexOf(flag) + 1]) : fallback;
  printRecoveryRest(
    await benchRecoveryRest({
      messages: arg("--messages", 200),
      websites: arg("--websites", 20),
      runs: process.argv.includes("--quick") ? 2 : 5,
    }),
  );
}
