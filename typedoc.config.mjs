// @ts-check
// API reference from the doc comments (`npm run docs`, after `npm run build`): one module per entry of
// package.json `exports`, read from the published declaration files, so the reference shows exactly what a
// consumer gets and a new entry needs no edit here. `npm test` runs it with `--emit none`: every exported
// name must have a doc comment (validation.notDocumented, warnings are errors).
import { readFileSync } from "node:fs";

const manifest = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
/** @type {string[]} */
const entryPoints = Object.values(manifest.exports).flatMap((target) =>
  typeof target === "object" && target.types ? [target.types] : [],
);

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: `${manifest.name} ${manifest.version}`,
  entryPoints,
  out: "docs/api",
  readme: "none",
  tsconfig: "tsconfig.docs.json",
  // The reference documents the published declarations (dist/), which are not in the repository: no source links.
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  validation: { notExported: false, invalidLink: true, notDocumented: true },
  // Every exported name and every method of an exported class; the fields of Crisp's payloads are Crisp's names.
  requiredToBeDocumented: ["Enum", "Variable", "Function", "Class", "Interface", "TypeAlias", "Method", "Accessor"],
  treatWarningsAsErrors: false,
  treatValidationWarningsAsErrors: true,
  logLevel: "Warn",
};
