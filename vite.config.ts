import { defineConfig } from "vite";

/** Library build: one self-contained ESM file with engine.io-client's browser build and socket.io-parser inlined. */
export default defineConfig({
  resolve: { conditions: ["browser", "production"], mainFields: ["browser", "module", "main"] },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    minify: "oxc",
    rolldownOptions: { output: { minify: true, postBanner: '/* @ts-self-types="./index.d.ts" */' } },
    lib: { entry: "src/index.ts", formats: ["es"], fileName: () => "crisp-rtm.js" },
  },
});
