// @ts-check
// The package as a consumer sees it: `npm pack`, then the tarball installed in a temporary project outside the
// repository. Every entry of package.json `exports` imports in Node; a small consumer file type-checks with
// the published types under moduleResolution bundler and nodenext (with the declarations themselves checked:
// no skipLibCheck); the README that ships has no link or image that only works inside this repository; and
// package.json says where the project lives. Needs `npm run build` (dist/).
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { consumerProject, exec, packPackage, ROOT } from "../support/consumer-project.js";

const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
/** `crisp-rtm`, `crisp-rtm/webhook`, … from package.json `exports` (so a new entry is tested without an edit). */
const ENTRIES = Object.keys(manifest.exports)
  .filter((key) => key !== "./package.json")
  .map((key) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`));

/** @type {{ dir: string, dispose: () => Promise<void> }} */
let project;
/** @type {{ tarball: string, files: string[], dispose: () => Promise<void> }} */
let packed;

before(async () => {
  packed = await packPackage();
  project = await consumerProject(packed.tarball);
});
after(async () => {
  await project?.dispose();
  await packed?.dispose();
});

test("package.json says where the project lives", () => {
  assert.match(manifest.repository?.url ?? "", /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  assert.match(manifest.homepage ?? "", /^https:\/\//);
  assert.match(manifest.bugs?.url ?? "", /^https:\/\/.+\/issues$/);
  assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.includes("crisp"));
});

test("the tarball holds the entries, their types, the README and the licence", () => {
  for (const key of Object.keys(manifest.exports)) {
    const target = manifest.exports[key];
    for (const file of typeof target === "string" ? [target] : [target.types, target.default]) {
      assert.ok(packed.files.includes(file.replace(/^\.\//, "")), `${file} of ${key}`);
    }
  }
  assert.ok(packed.files.includes("README.md") && packed.files.includes("LICENSE"));
});

test("every entry imports in Node from the installed package", { timeout: 60_000 }, async () => {
  for (const entry of ENTRIES) {
    const script = `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m)));`;
    const { code, output, stdout } = await exec(process.execPath, ["--input-type=module", "-e", script], project.dir);
    assert.equal(code, 0, `${entry}: ${output}`);
    assert.ok(JSON.parse(stdout).length > 0, `${entry} exports names`);
  }
  const { stdout } = await exec(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { RTMError } = await import("${manifest.name}"); console.log(typeof RTMError)`,
    ],
    project.dir,
  );
  assert.equal(stdout.trim(), "function");
});

test("a consumer file type-checks with the published types (bundler and nodenext)", { timeout: 120_000 }, async () => {
  const imports = ENTRIES.map((entry, index) => `import * as entry${index} from "${entry}";`).join("\n");
  const consumer = `${imports}
import { CrispRTM, RTMError, type RTMState } from "${manifest.name}";

export const entries: object[] = [${ENTRIES.map((_, index) => `entry${index}`).join(", ")}];
const rtm = new CrispRTM({ identifier: "id", key: "key", events: ["message:send"] });
rtm.on("message:send", (message) => {
  const content: unknown = message.content;
  const session: string = message.session_id;
  return [content, session];
});
rtm.on("rtm:reconnecting", ({ attempt, delayMs }) => attempt + delayMs);
export const state: RTMState = rtm.state;
export const isError = (error: unknown): boolean => error instanceof RTMError && typeof error.code === "string";
// @ts-expect-error: an unknown Crisp event name is refused by the types
rtm.on("message:sent", () => {});
`;
  await writeFile(join(project.dir, "consumer.ts"), consumer);
  const base = {
    target: "ES2022",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  };
  const configs = {
    "tsconfig.bundler.json": { ...base, module: "ESNext", moduleResolution: "bundler" },
    "tsconfig.nodenext.json": { ...base, module: "NodeNext", moduleResolution: "NodeNext" },
  };
  for (const [file, compilerOptions] of Object.entries(configs)) {
    await writeFile(join(project.dir, file), JSON.stringify({ compilerOptions, files: ["consumer.ts"] }));
    const { code, output } = await exec(join(ROOT, "node_modules/.bin/tsc"), ["-p", file], project.dir);
    assert.equal(code, 0, `${file}:\n${output}`);
  }
});

test("one TypeScript: npx tsc, package.json and the README's Dependencies table name the same version", async () => {
  const { stdout } = await exec(join(ROOT, "node_modules/.bin/tsc"), ["--version"], ROOT);
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const named = /^\| `typescript` (\S+) +\|/m.exec(readme)?.[1];
  assert.equal(stdout.trim(), `Version ${manifest.devDependencies.typescript}`);
  assert.equal(named, manifest.devDependencies.typescript);
  assert.equal(manifest.devDependencies["@typescript/typescript6"], undefined, "no second TypeScript");
});

test("the README that ships has no link or image that breaks outside this repository", async () => {
  const readme = await readFile(join(project.dir, "node_modules", manifest.name, "README.md"), "utf8");
  const targets = [
    ...[...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)].map((match) => match[1] ?? ""),
    ...[...readme.matchAll(/<(?:img|a)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? ""),
  ];
  assert.ok(targets.length > 0);
  assert.deepEqual(
    targets.filter((target) => !/^(https:\/\/|#)/.test(target)),
    [],
    "relative links and images",
  );
  const start = readme.slice(0, readme.indexOf("\n## ", readme.indexOf("\n## ") + 1));
  assert.match(start, /^## Install$/m, "the README starts with how to install");
  assert.match(start, /npm install crisp-rtm/);
});
