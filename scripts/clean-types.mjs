// @ts-check
/** Removes the per-file declarations once rollup-plugin-dts has bundled them into dist/index.d.ts and dist/webhook.d.ts. */
import { rmSync } from "node:fs";

rmSync("dist/types", { recursive: true, force: true });
