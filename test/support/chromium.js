// @ts-check
/** Finds the Chromium to test with: CHROME_PATH, then Debian's package paths. */
import { existsSync } from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** @returns {string} the path of a Chromium executable, or "" when none is installed */
export function chromiumPath() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path)) ?? "";
}
