// @ts-check
/** Listening on a preferred port, falling back to a free one when it is taken. */

/**
 * True for the errors that mean "this port is not available".
 * @param {unknown} error
 */
export function isPortTaken(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  return code === "EADDRINUSE" || code === "EACCES";
}

/**
 * Runs `start(port)` with the preferred port, then with 0 (any free port) if that one is taken.
 * @template T
 * @param {number} preferred
 * @param {(port: number) => Promise<T>} start
 * @returns {Promise<T>}
 */
export async function withPortFallback(preferred, start) {
  try {
    return await start(preferred);
  } catch (error) {
    if (preferred === 0 || !isPortTaken(error)) throw error;
    return start(0);
  }
}

/**
 * Listens; resolves with the bound port.
 * @param {import("node:net").Server} server
 * @param {number} port
 * @param {string} host
 * @returns {Promise<number>}
 */
export function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(/** @type {import("node:net").AddressInfo} */ (server.address()).port);
    });
  });
}
