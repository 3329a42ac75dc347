// @ts-check
/** Builds the library bundle the demo page loads (`npm run build`). */
import { spawn } from "node:child_process";

/**
 * Runs `npm run build` in `cwd` with inherited output; rejects when it fails.
 * @param {string} cwd
 * @returns {Promise<void>}
 */
export function buildLibrary(cwd) {
  return new Promise((resolve, reject) => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const child = spawn(npm, ["run", "--silent", "build"], { cwd, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with code ${code}`))));
  });
}
