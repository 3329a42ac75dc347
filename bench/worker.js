// Throughput in workerd: a Worker whose fetch handler runs the series given as the JSON request body and
// answers the samples. bench/run.mjs bundles it (esbuild, conditions workerd/worker/browser) and runs it in
// Miniflare. Outbound sockets use `new WebSocket("ws://…")`, which local workerd allows.

import { io } from "../.cache/bench/socket.io-client.js";
import * as lib from "../dist/crisp-rtm.js";
import { throughputSeries } from "./harness.js";

export default {
  async fetch(request) {
    try {
      const options = await request.json();
      return Response.json({ ok: true, samples: await throughputSeries({ ...options, lib, io }) });
    } catch (error) {
      return Response.json({
        ok: false,
        error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
      });
    }
  },
};
