import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { minify } from "terser";
import { defineConfig, type Plugin } from "vite";
import { applyEdits, PRUNE } from "./src/shims/prune.js";

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The dependency versions the shims and pruning edits in src/shims/ were checked against (see
 * src/shims/README.md). The build refuses any other version: re-check each shim and edit against the new
 * sources, then update this table.
 */
const PINNED = {
  "engine.io-client": "6.6.8",
  "engine.io-parser": "5.2.3",
  "socket.io-parser": "4.2.7",
  "@socket.io/component-emitter": "3.1.2",
} as const;
type Pinned = keyof typeof PINNED;

/** A package's directory, found from its CommonJS entry (`<dir>/build/cjs/index.js`, `<dir>/lib/cjs/index.js`). */
function packageDir(name: Pinned, from?: string): string {
  const entry = require.resolve(name, from ? { paths: [from] } : undefined);
  const marker = `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  if (at === -1) throw new Error(`${name} resolves outside node_modules (${entry})`);
  const dir = entry.slice(0, at + marker.length - 1);
  const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
  if (version !== PINNED[name]) {
    throw new Error(`src/shims/ were checked against ${name} ${PINNED[name]}, but ${version} is installed: re-check them (src/shims/README.md)`);
  }
  return dir;
}

/**
 * Replaces modules of engine.io-client, engine.io-parser and socket.io-parser that the bundle never runs
 * (HTTP long-polling, WebTransport, base64/Blob codecs, binary attachments, a URI regex) with the small
 * modules of src/shims/, and prunes the dead parts of some others with the exact-text edits of
 * src/shims/prune.js (a snippet that is not found exactly once fails the build). Matching is by resolved file,
 * so only those exact files are replaced or edited; the build fails if some of them are met and others not (a
 * dependency reshuffle must be looked at, not ignored). Shims reach a package's own files with
 * `<package>/build/esm/<file>` specifiers, resolved here.
 */
function dependencyShims(): Plugin {
  const eio = packageDir("engine.io-client");
  const sio = packageDir("socket.io-parser");
  const emitter = packageDir("@socket.io/component-emitter", eio);
  if (packageDir("@socket.io/component-emitter", sio) !== emitter) {
    throw new Error("engine.io-client and socket.io-parser resolve different copies of @socket.io/component-emitter: dedupe them");
  }
  const dirs: Record<Pinned, string> = {
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
        ["engine.io-parser", "index.js", "engine.io-parser.js"],
        ["socket.io-parser", "is-binary.js", "socket.io-parser-is-binary.js"],
        ["socket.io-parser", "binary.js", "socket.io-parser-binary.js"],
      ] as const
    )
      .map(([pkg, file, shim]) => [path.join(dirs[pkg], "build/esm", file), path.join(ROOT, "src/shims", shim)] as const)
      .concat([[path.join(emitter, "lib/esm/index.js"), path.join(ROOT, "src/shims/component-emitter.ts")]]),
  );
  const prunes = new Map(
    Object.entries(PRUNE).flatMap(([pkg, files]) =>
      Object.entries(files).map(([file, edits]) => [path.join(dirs[pkg as Pinned], file), { name: `${pkg}/${file}`, edits }] as const),
    ),
  );
  const used = new Set<string>();
  return {
    name: "crisp-rtm:dependency-shims",
    enforce: "pre",
    async resolveId(source, importer, options) {
      const deep = /^(engine\.io-client|engine\.io-parser|socket\.io-parser)\/(build\/esm\/.+)$/.exec(source);
      if (deep) return path.join(dirs[deep[1] as Pinned], deep[2] as string);
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const shim = resolved ? shims.get(resolved.id) : undefined;
      if (!shim || !resolved) return resolved;
      used.add(resolved.id);
      return shim;
    },
    transform(code, id) {
      const prune = prunes.get(id);
      if (!prune) return null;
      used.add(id);
      // Edits keep every line where it was, so the incoming source map stays right line by line.
      return { code: applyEdits(code, prune.edits, prune.name), map: null };
    },
    buildEnd(error) {
      // A build that bundles these dependencies must have met every replaced or pruned module (an entry without
      // them, e.g. one that never imports engine.io-client, meets none and is fine).
      if (error || used.size === 0) return;
      const unused = [...shims.keys(), ...prunes.keys()].filter((file) => !used.has(file));
      if (unused.length > 0) this.error(`dependency shims never applied (was the dependency restructured?): ${unused.join(", ")}`);
    },
  };
}

/**
 * A second minification pass with terser over rolldown's (oxc) output: it finds about 3% more (gzip) in this
 * bundle, mostly by mangling the `_`-prefixed internal properties of engine.io-client and socket.io-parser.
 * Those are private to the bundle: nothing outside it reads them, and no data from the wire or the user is
 * looked up by such a name. Source maps are chained.
 */
function terserPass(): Plugin {
  let minifying = true;
  return {
    name: "crisp-rtm:terser-pass",
    apply: "build",
    configResolved(config) {
      // Builds that ask for readable output (the test bundles of test/support/) get none.
      minifying = config.build.minify !== false;
    },
    // On the written files: their source maps are final there (the banner included), so terser chains them exactly.
    async writeBundle(options, bundle) {
      if (!minifying) return;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        const file = path.join(options.dir ?? "dist", chunk.fileName);
        const written = readFileSync(file, "utf8");
        const mapComment = /\n\/\/# sourceMappingURL=\S+\s*$/.exec(written)?.[0] ?? "";
        const mapFile = `${file}.map`;
        const result = await minify(written.slice(0, written.length - mapComment.length), {
          module: true,
          ecma: 2020,
          compress: { passes: 2 },
          // `_hasPingExpired` keeps its name: src/socketio/session.ts calls it, and the shims test looks for it.
          mangle: { properties: { regex: /^_[a-z]/i, reserved: ["_hasPingExpired"] } },
          format: { comments: /@ts-self-types/ },
          sourceMap: existsSync(mapFile) ? { content: readFileSync(mapFile, "utf8"), filename: chunk.fileName, includeSources: true } : false,
        });
        if (result.code === undefined) this.error(`terser produced no code for ${chunk.fileName}`);
        writeFileSync(file, result.code + mapComment);
        if (typeof result.map === "string") writeFileSync(mapFile, result.map);
      }
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
  "fetch-websocket": { source: "src/socketio/fetch-websocket.ts", file: "fetch-websocket.js", types: "fetch-websocket.d.ts" },
  hub: { source: "src/hub/index.ts", file: "hub.js", types: "hub.d.ts" },
} as const;

/**
 * Library build of one entry: `dist/crisp-rtm.js` (the client, with engine.io-client's browser build and
 * socket.io-parser inlined) by default, `dist/webhook.js` with `--mode webhook`, `dist/fetch-websocket.js`
 * with `--mode fetch-websocket`, `dist/hub.js` with `--mode hub`.
 */
export default defineConfig(({ mode }) => {
  const entry = mode === "webhook" || mode === "fetch-websocket" || mode === "hub" ? ENTRIES[mode] : ENTRIES.client;
  return {
    resolve: { conditions: ["browser", "production"], mainFields: ["browser", "module", "main"] },
    plugins: [dependencyShims(), terserPass()],
    build: {
      target: "es2022",
      outDir: "dist",
      emptyOutDir: entry === ENTRIES.client,
      sourcemap: true,
      minify: "oxc",
      rolldownOptions: { output: { minify: true, postBanner: `/* @ts-self-types="./${entry.types}" */` } },
      lib: { entry: entry.source, formats: ["es"], fileName: () => entry.file },
    },
  };
});
