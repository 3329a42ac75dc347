import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { minify } from "terser";
import { defineConfig, type Plugin } from "vite";

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The packages whose modules src/shims/ replaces (src/shims/README.md). */
type Shimmed = "engine.io-client" | "engine.io-parser" | "socket.io-parser" | "@socket.io/component-emitter";

/**
 * A package's directory, found from its CommonJS entry (`<dir>/build/cjs/index.js`, `<dir>/lib/cjs/index.js`).
 * Any version is accepted: the lock file pins what is built, and test/unit/shims.test.js holds each shim to the
 * installed original (src/shims/README.md, "Taking an update").
 */
function packageDir(name: Shimmed, from?: string): string {
  const entry = require.resolve(name, from ? { paths: [from] } : undefined);
  const marker = `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  if (at === -1) throw new Error(`${name} resolves outside node_modules (${entry})`);
  return entry.slice(0, at + marker.length - 1);
}

/**
 * Replaces whole modules of engine.io-client, engine.io-parser, socket.io-parser and
 * @socket.io/component-emitter that the bundle never runs or carries twice (HTTP long-polling, WebTransport,
 * base64/Blob codecs, binary attachments, a URI regex, the query-string parser, the global-object fallbacks,
 * a second emitter) with the small modules of src/shims/,
 * at module boundaries, like a package's `browser` field: no dependency's text is edited. Matching is by
 * resolved file, so only those exact files are replaced; the build fails if some of them are met and others
 * not (a dependency reshuffle must be looked at, not ignored). Shims reach a package's own files with
 * `<package>/build/esm/<file>` specifiers, resolved here.
 */
function dependencyShims(): Plugin {
  const eio = packageDir("engine.io-client");
  const sio = packageDir("socket.io-parser");
  const emitter = packageDir("@socket.io/component-emitter", eio);
  if (packageDir("@socket.io/component-emitter", sio) !== emitter) {
    throw new Error(
      "engine.io-client and socket.io-parser resolve different copies of @socket.io/component-emitter: dedupe them",
    );
  }
  const dirs: Record<Shimmed, string> = {
    "engine.io-client": eio,
    "engine.io-parser": packageDir("engine.io-parser", eio),
    "socket.io-parser": sio,
    "@socket.io/component-emitter": emitter,
  };
  const shims = new Map<string, string>(
    (
      [
        ["engine.io-client", "index.js", "engine.io-client.js"],
        ["engine.io-client", "transports/index.js", "engine.io-client-transports.js"],
        ["engine.io-client", "contrib/parseuri.js", "parseuri.js"],
        ["engine.io-client", "contrib/parseqs.js", "parseqs.js"],
        ["engine.io-client", "globals.js", "engine.io-client-globals.js"],
        ["engine.io-client", "util.js", "engine.io-client-util.js"],
        ["engine.io-parser", "index.js", "engine.io-parser.js"],
        ["socket.io-parser", "is-binary.js", "socket.io-parser-is-binary.js"],
        ["socket.io-parser", "binary.js", "socket.io-parser-binary.js"],
      ] as const
    )
      .map(
        ([pkg, file, shim]) => [path.join(dirs[pkg], "build/esm", file), path.join(ROOT, "src/shims", shim)] as const,
      )
      .concat([[path.join(emitter, "lib/esm/index.js"), path.join(ROOT, "src/shims/component-emitter.ts")]]),
  );
  const used = new Set<string>();
  return {
    name: "crisp-rtm:dependency-shims",
    enforce: "pre",
    async resolveId(source, importer, options) {
      const deep = /^(engine\.io-client|engine\.io-parser|socket\.io-parser)\/(build\/esm\/.+)$/.exec(source);
      if (deep) return path.join(dirs[deep[1] as Shimmed], deep[2] as string);
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const shim = resolved ? shims.get(resolved.id) : undefined;
      if (!shim || !resolved) return resolved;
      used.add(resolved.id);
      return shim;
    },
    buildEnd(error) {
      // A build that bundles these dependencies must have met every replaced module (an entry without
      // them, e.g. one that never imports engine.io-client, meets none and is fine).
      if (error || used.size === 0) return;
      const unused = [...shims.keys()].filter((file) => !used.has(file));
      if (unused.length > 0)
        this.error(`dependency shims never applied (was the dependency restructured?): ${unused.join(", ")}`);
    },
  };
}

/**
 * A second minification pass with terser over rolldown's (oxc) output: it finds about 2% more (gzip) in this
 * bundle, mostly by mangling the `_`-prefixed internal properties of engine.io-client and socket.io-parser.
 * Those are private to the bundle: nothing outside it reads them, and no data from the wire or the user is
 * looked up by such a name (`_hasPingExpired`, which src/socketio/session.ts calls, is kept). It runs on the
 * generated chunks, before they are written; source maps are chained. Then it prints each entry's final size,
 * min and min + gzip measured as scripts/size.mjs does (vite's own report is turned off: its gzip figure is
 * computed differently and would not match the size check).
 */
function terserPass(): Plugin {
  let minifying = true;
  let log: (message: string) => void = () => {};
  /** terser's source maps, by file: rolldown writes its own map whatever generateBundle does to `chunk.map`. */
  const maps = new Map<string, string>();
  return {
    name: "crisp-rtm:terser-pass",
    apply: "build",
    configResolved(config) {
      // Builds that ask for readable output (the test bundles of test/support/) get none.
      minifying = config.build.minify !== false;
      log = (message) => config.logger.info(message);
    },
    async generateBundle(_options, bundle) {
      if (!minifying) return;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        // rolldown has already appended the source map comment: terser gets the code without it.
        const mapComment = /\n\/\/# sourceMappingURL=\S+\s*$/.exec(chunk.code)?.[0] ?? "";
        const result = await minify(chunk.code.slice(0, chunk.code.length - mapComment.length), {
          module: true,
          ecma: 2020,
          compress: { passes: 2 },
          mangle: { properties: { regex: /^_[a-z]/i, reserved: ["_hasPingExpired"] } },
          format: { comments: /@ts-self-types/ },
          sourceMap: chunk.map
            ? { content: JSON.stringify(chunk.map), filename: chunk.fileName, includeSources: true }
            : false,
        });
        if (result.code === undefined) this.error(`terser produced no code for ${chunk.fileName}`);
        chunk.code = result.code + mapComment;
        if (chunk.map && typeof result.map === "string") maps.set(`${chunk.fileName}.map`, result.map);
        const min = Buffer.byteLength(chunk.code);
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        log(
          `${chunk.fileName}: ${min.toLocaleString("en-US")} B min, ${gzip.toLocaleString("en-US")} B min + gzip (final, after terser)`,
        );
      }
    },
    writeBundle(options) {
      for (const [file, map] of maps) writeFileSync(path.join(options.dir ?? "dist", file), map);
      maps.clear();
    },
  };
}

/**
 * The self-contained entries: each build bundles one of them with everything it uses (`npm run build` runs
 * `vite build` for the client, then `vite build --mode <entry>` for each other one), so no file imports another.
 */
const ENTRIES = {
  client: { source: "src/index.ts", file: "crisp-rtm.js", types: "index.d.ts" },
  webhook: { source: "src/webhook/index.ts", file: "webhook.js", types: "webhook.d.ts" },
  "fetch-websocket": {
    source: "src/socketio/fetch-websocket.ts",
    file: "fetch-websocket.js",
    types: "fetch-websocket.d.ts",
  },
  recover: { source: "src/recover.ts", file: "recover.js", types: "recover.d.ts" },
  hub: { source: "src/hub/index.ts", file: "hub.js", types: "hub.d.ts" },
} as const;

/**
 * Library build of one entry: `dist/crisp-rtm.js` (the client, with engine.io-client's browser build and
 * socket.io-parser inlined) by default, `dist/webhook.js` with `--mode webhook`, `dist/fetch-websocket.js`
 * with `--mode fetch-websocket`, `dist/recover.js` with `--mode recover`, `dist/hub.js` with `--mode hub`.
 */
export default defineConfig(({ mode }) => {
  const entry =
    mode === "webhook" || mode === "fetch-websocket" || mode === "recover" || mode === "hub"
      ? ENTRIES[mode]
      : ENTRIES.client;
  return {
    resolve: { conditions: ["browser", "production"], mainFields: ["browser", "module", "main"] },
    plugins: [dependencyShims(), terserPass()],
    build: {
      target: "es2022",
      outDir: "dist",
      emptyOutDir: entry === ENTRIES.client,
      sourcemap: true,
      minify: "oxc",
      // terserPass prints the final sizes.
      reportCompressedSize: false,
      // No PLUGIN_TIMINGS notice: the terser pass is slow on purpose (it is what fits the size budget).
      rolldownOptions: {
        checks: { bundlerTimings: false },
        output: { minify: true, postBanner: `/* @ts-self-types="./${entry.types}" */` },
      },
      lib: { entry: entry.source, formats: ["es"], fileName: () => entry.file },
    },
  };
});
