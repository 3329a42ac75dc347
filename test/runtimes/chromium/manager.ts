/** Where the emulator manager started by web-test-runner.config.mjs listens. */
let cached: Promise<string> | undefined;

/** Reads the manager URL once per page. */
export function managerUrl(): Promise<string> {
  cached ??= fetch("/__emulator-manager")
    .then((response) => response.json() as Promise<{ url: string }>)
    .then((body) => body.url);
  return cached;
}
