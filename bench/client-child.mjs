// Runs CrispRTM clients for bench/reliability.mjs in a child Node process (it needs a global WebSocket:
// Node 22+, or Node 20 with --experimental-websocket). One JSON object per stdout line.
//
//   node bench/client-child.mjs '<json>'   with json = { mode, lib, restUrl, controlUrl, identifier, key, website, ... }
//
// mode "clients": starts `count` clients with `clientOptions`, prints {type:"connected"} once all are ready, then one
//   line per lifecycle event; on the stdin line "summary" prints the attempts each client made and exits.
// mode "flood": one client; a 10,000-event flood at full speed (fingerprints must be contiguous), then a slower
//   stream cut by a drop (the gap must lie within the reported downtime); prints {type:"flood", ...} and exits.

const options = JSON.parse(process.argv[2] ?? "{}");
const lib = await import(options.lib);
const print = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function client(extra = {}) {
  return new lib.CrispRTM({
    identifier: options.identifier,
    key: options.key,
    restBase: options.restUrl,
    ...options.clientOptions,
    ...extra,
  });
}

async function control(op, body = {}) {
  const response = await fetch(`${options.controlUrl}/${op}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${op}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function clients() {
  const rtms = Array.from({ length: options.count }, () => client());
  const attempts = rtms.map(() => []);
  rtms.forEach((rtm, index) => {
    rtm.on("message:send", () => {});
    rtm.on("rtm:state", ({ state }) => {
      if (state === "connecting" || state === "discovering") attempts[index].push({ at: Date.now(), state });
    });
    rtm.on("rtm:ready", (info) =>
      print({ type: "ready", index, at: Date.now(), reconnected: info.reconnected, downtime: info.downtime }),
    );
    rtm.on("rtm:reconnecting", ({ attempt, delayMs, error }) =>
      print({ type: "reconnecting", index, at: Date.now(), attempt, delayMs, code: error?.code }),
    );
    rtm.on("rtm:close", ({ error }) => print({ type: "close", index, at: Date.now(), code: error?.code }));
  });
  await Promise.all(rtms.map((rtm) => rtm.connect()));
  print({ type: "connected", at: Date.now() });
  let input = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) {
    input += chunk;
    if (input.includes("summary")) break;
  }
  for (const rtm of rtms) rtm.close();
  print({ type: "summary", attempts });
}

async function flood() {
  const site = options.website;
  const rtm = client({ events: ["message:send"], rooms: [site] });
  const got = [];
  const disconnects = [];
  const readies = [];
  rtm.on("message:send", (m) => got.push({ fingerprint: m.fingerprint, timestamp: m.timestamp, at: Date.now() }));
  rtm.on("rtm:disconnect", (info) => disconnects.push(info));
  rtm.on("rtm:ready", (info) => readies.push(info));
  await rtm.connect();

  // 1. Full speed, no fault: every event once, in order.
  const count = options.count ?? 10_000;
  const started = Date.now();
  const sent = await control("flood", { event: "message:send", website_id: site, count });
  await waitFor(() => got.length >= count, 60_000, `${count} events`);
  const elapsedMs = Date.now() - started;
  await sleep(100);
  const fingerprints = got.map((g) => g.fingerprint);
  let contiguous = fingerprints.length === count && fingerprints[0] === sent.firstFingerprint;
  for (let i = 1; i < fingerprints.length && contiguous; i += 1)
    contiguous = fingerprints[i] === fingerprints[i - 1] + 1;
  const full = {
    sent: sent.sent,
    received: got.length,
    contiguous,
    elapsedMs,
    eventsPerSecond: Math.round((count / elapsedMs) * 1000),
  };

  // 2. A stream cut by a drop: in order on both sides, one gap, inside the reported downtime.
  got.length = 0;
  const streamCount = 3000;
  const stream = control("flood", { event: "message:send", website_id: site, count: streamCount, intervalMs: 1 });
  await waitFor(() => got.length >= 800, 30_000, "the first part of the stream");
  await control("drop");
  const result = await stream;
  await waitFor(() => got.at(-1)?.fingerprint === result.lastFingerprint, 30_000, "the end of the stream");
  const gaps = [];
  let ordered = true;
  for (let i = 1; i < got.length; i += 1) {
    if (got[i].fingerprint <= got[i - 1].fingerprint) ordered = false;
    else if (got[i].fingerprint !== got[i - 1].fingerprint + 1) gaps.push([got[i - 1], got[i]]);
  }
  const downtime = readies.at(-1)?.downtime;
  const [lastBefore, firstAfter] = gaps[0] ?? [];
  const covered =
    gaps.length === 1 &&
    downtime !== undefined &&
    lastBefore.timestamp >= downtime.since - 1000 &&
    firstAfter.timestamp <= downtime.until + 1000;
  const cut = {
    sent: result.sent,
    received: got.length,
    missed: result.sent - got.length,
    ordered,
    gaps: gaps.length,
    downtimeMs: downtime?.ms,
    disconnectReason: disconnects.at(-1)?.reason,
    gapCoveredByDowntime: covered,
  };
  rtm.close();
  print({ type: "flood", full, cut });
}

try {
  if (options.mode === "clients") await clients();
  else if (options.mode === "flood") await flood();
  else throw new Error(`unknown mode ${options.mode}`);
  process.exit(0);
} catch (error) {
  print({ type: "error", message: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
}
