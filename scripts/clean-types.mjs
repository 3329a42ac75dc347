// @ts-check
/** Removes the per-file declarations once rollup-plugin-dts has bundled them into one declaration file per entry. */
import { rmSync } from "node:fs";

rmSync("dist/types", { recursive: true, force: true });
