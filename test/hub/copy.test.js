// @ts-check
// Copying demo/worker/ into one's own project works as its README says: the folder is copied to a temporary
// project outside the repository, the packed crisp-rtm tarball is installed there with npm, and
// `wrangler deploy --dry-run` bundles it and `tsc` type-checks it against the published types. Also: no
// configuration file points back into the repository, and every variable the README names is in
// .dev.vars.example or wrangler.jsonc. Needs `npm run build` (dist/).
import assert from "node:assert/strict";
import { cp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { consumerProject, exec, packPackage, ROOT } from "../support/consumer-project.js";

const WORKER = `${ROOT}demo/worker`;
const BIN = `${ROOT}node_modules/.bin`;
const QUIET_ENV = { WRANGLER_SEND_METRICS: "false", CI: "1" };
const CONFIG_FILES = ["wrangler.jsonc", "tsconfig.json", ".dev.vars.example"];
/** Copied like a user would: the sources and configuration, not what tools generate or local secrets. */
const LEFT_BEHIND = new Set(["node_modules", ".wrangler", ".dev.vars", "worker-configuration.d.ts"]);

/** @type {{ dir: string, dispose: () => Promise<void> }} */
let project;
/** @type {() => Promise<void>} */
let disposePack = async () => {};

before(async () => {
  const packed = await packPackage();
  disposePack = packed.dispose;
  project = await consumerProject(packed.tarball, (dir) =>
    cp(WORKER, dir, {
      recursive: true,
      filter: (source) => !LEFT_BEHIND.has(source.slice(WORKER.length + 1).split("/")[0] ?? ""),
    }),
  );
});
after(async () => {
  await project?.dispose();
  await disposePack();
});

test("no configuration file of demo/worker points into the repository", async () => {
  for (const file of CONFIG_FILES) assert.doesNotMatch(await readFile(join(WORKER, file), "utf8"), /\.\.\//, file);
});

test("every variable the README names is in .dev.vars.example or wrangler.jsonc, and the reverse", async () => {
  const readme = await readFile(join(WORKER, "README.md"), "utf8");
  const example = await readFile(join(WORKER, ".dev.vars.example"), "utf8");
  const config = await readFile(join(WORKER, "wrangler.jsonc"), "utf8");
  const named = new Set([...readme.matchAll(/`((?:CRISP|HUB|SUBSCRIBER|TICKET)_[A-Z_]+)`/g)].map((match) => match[1]));
  const documented = new Set(
    [...`${example}\n${config}`.matchAll(/^\s*(?:#\s*)?"?((?:CRISP|HUB|SUBSCRIBER|TICKET)_[A-Z_]+)"?\s*[=:]/gm)].map(
      (match) => match[1],
    ),
  );
  assert.ok(named.has("CRISP_REST_BASE"));
  assert.deepEqual(
    [...named].filter((name) => !documented.has(name)),
    [],
    "named in README.md, missing from .dev.vars.example and wrangler.jsonc",
  );
  assert.deepEqual(
    [...documented].filter((name) => !named.has(name)),
    [],
    "set in .dev.vars.example or wrangler.jsonc, missing from README.md",
  );
});

test("the copy builds with wrangler deploy --dry-run against the installed package", { timeout: 120_000 }, async () => {
  assert.deepEqual(
    (await readdir(join(project.dir, "node_modules", "crisp-rtm", "dist"))).filter((file) => file === "crisp-rtm.js"),
    ["crisp-rtm.js"],
  );
  const out = join(project.dir, "out");
  const { code, output } = await exec(
    `${BIN}/wrangler`,
    ["deploy", "--dry-run", "--outdir", out],
    project.dir,
    QUIET_ENV,
  );
  assert.equal(code, 0, output);
  assert.match(output, /env\.HUB \(CrispHub\)\s+Durable Object/);
  const map = JSON.parse(await readFile(join(out, "index.js.map"), "utf8"));
  const sources = /** @type {string[]} */ (map.sources);
  assert.ok(
    sources.some((source) => source.startsWith("../node_modules/crisp-rtm/")),
    "crisp-rtm comes from the installed package",
  );
  assert.deepEqual(
    sources.filter((source) => !/^\.\.\/(src|node_modules)\//.test(source)),
    [],
    "everything comes from the project folder",
  );
});

test("the copy type-checks against the published types", { timeout: 120_000 }, async () => {
  const types = await exec(`${BIN}/wrangler`, ["types", "--include-env=false"], project.dir, QUIET_ENV);
  assert.equal(types.code, 0, types.output);
  const check = await exec(`${BIN}/tsc`, ["-p", "tsconfig.json"], project.dir);
  assert.equal(check.code, 0, check.output);
});
