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

/**
 * The flags every headless Chromium of the project starts with (tests, demo test, benchmarks): root needs
 * `--no-sandbox`, and without the background-networking flags Chromium keeps calling hosts this closed network
 * refuses.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
