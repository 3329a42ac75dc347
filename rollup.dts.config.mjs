// Bundles the declaration files tsc emits (dist/types/) into one dist/index.d.ts with no relative imports,
// so every consumer (TypeScript, Deno, JSR) resolves the types of the single-file bundle.
import { dts } from "rollup-plugin-dts";

export default {
  input: "dist/types/index.d.ts",
  output: { file: "dist/index.d.ts", format: "es" },
  plugins: [dts()],
};
