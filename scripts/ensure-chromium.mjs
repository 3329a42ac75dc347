// @ts-check
/**
 * Makes sure a Chromium is there for the browser tests: CHROME_PATH or Debian's package. When none is found
 * and we can install one (root, apt-get), installs Debian's `chromium`; otherwise stops with a clear message.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromiumPath } from "../test/support/chromium.js";

/** @returns {string} the Chromium path, installing Debian's package when needed and possible */
export function ensureChromium() {
  const found = chromiumPath();
  if (found && existsSync(found)) return found;
  if (process.env.CHROME_PATH) {
    throw new Error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, but no file is there`);
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (!isRoot || !hasApt) {
    throw new Error(
      "No Chromium found. Install Debian's `chromium` package (apt-get install chromium) or set CHROME_PATH " +
        "to a Chromium/Chrome executable, then run the tests again.",
    );
  }
  console.log("No Chromium found: installing Debian's chromium package (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { stdio: "inherit", env });
  const installed = chromiumPath();
  if (!installed) throw new Error("apt-get installed chromium, but no executable was found; set CHROME_PATH");
  return installed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureChromium());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
