// Bundles the declaration files tsc emits (dist/types/) into one self-contained file per entry:
// dist/index.d.ts (crisp-rtm), dist/webhook.d.ts (crisp-rtm/webhook) and dist/fetch-websocket.d.ts, with no relative imports, so every
// consumer (TypeScript, Deno, JSR) resolves the types of each single-file bundle.
import { dts } from "rollup-plugin-dts";

export default [
  ["dist/types/index.d.ts", "dist/index.d.ts"],
  ["dist/types/webhook/index.d.ts", "dist/webhook.d.ts"],
  ["dist/types/socketio/fetch-websocket.d.ts", "dist/fetch-websocket.d.ts"],
  ["dist/types/recover.d.ts", "dist/recover.d.ts"],
  ["dist/types/hub/index.d.ts", "dist/hub.d.ts"],
].map(([input, file]) => ({ input, output: { file, format: "es" }, plugins: [dts()] }));
