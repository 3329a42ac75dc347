// Throughput in Deno: `deno run -A bench/deno.js '<json options>'` (bench/run.mjs starts it). Prints one JSON
// line with the samples. The bundle and socket.io-client's browser build are loaded as plain ES modules.

import { io } from "../.cache/bench/socket.io-client.js";
import * as lib from "../dist/crisp-rtm.js";
import { throughputSeries } from "./harness.js";

const options = JSON.parse(Deno.args[0]);
const samples = await throughputSeries({ ...options, lib, io });
console.log(JSON.stringify({ runtime: `Deno ${Deno.version.deno}`, samples }));
