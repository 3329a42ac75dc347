// @ts-check
/**
 * A consumer's project, as far from this repository as a stranger's: `npm pack` of the package, then a
 * temporary folder outside the repository where the tarball is installed with npm (offline: the package has no
 * dependencies). Used by the package test (test/unit) and the hub copy test (test/hub). Needs `npm run build`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Runs a command; resolves with its exit code and combined output (never rejects).
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @param {Record<string, string>} [env]
 * @returns {Promise<{ code: number, output: string, stdout: string }>}
 */
export function exec(command, args, cwd, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output, stdout }));
    child.on("error", (error) => resolve({ code: 1, output: String(error), stdout }));
  });
}

/**
 * Packs the package (`npm pack`) into a new temporary folder; returns the tarball's path.
 * @returns {Promise<{ tarball: string, files: string[], dispose: () => Promise<void> }>}
 */
export async function packPackage() {
  const dir = await mkdtemp(join(tmpdir(), "crisp-rtm-pack-"));
  const packed = await exec("npm", ["pack", "--json", "--pack-destination", dir], ROOT);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  const [info] = JSON.parse(packed.stdout);
  return {
    tarball: join(dir, info.filename),
    files: info.files.map((/** @type {{ path: string }} */ file) => file.path),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Creates a project folder outside the repository with a package.json, and installs the packed package in it.
 * @param {string} tarball
 * @param {(dir: string) => Promise<void>} [fill] Writes the project's own files before the install.
 * @returns {Promise<{ dir: string, dispose: () => Promise<void> }>}
 */
export async function consumerProject(tarball, fill) {
  const dir = await mkdtemp(join(tmpdir(), "crisp-rtm-consumer-"));
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)}\n`,
  );
  if (fill) await fill(dir);
  const installed = await exec(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball],
    dir,
  );
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed:\n${installed.output}`);
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
