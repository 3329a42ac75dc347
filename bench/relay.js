// @ts-check
/**
 * A TCP relay in front of the emulator's RTM port that can hold what the server sends and release it in one go,
 * so the throughput benchmark measures how fast a client drains a backlog (client-bound), not how fast the
 * emulator produces events. Client → server traffic always flows.
 */
import net from "node:net";

/**
 * @param {{ host: string, port: number }} target
 * @returns {Promise<{ port: number, hold(): void, release(): number, heldBytes(): number, close(): Promise<void> }>}
 */
export async function startRelay(target) {
  let holding = false;
  /** @type {Set<{ client: net.Socket, upstream: net.Socket, held: Buffer[], bytes: number }>} */
  const links = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    /** @type {{ client: net.Socket, upstream: net.Socket, held: Buffer[], bytes: number }} */
    const link = { client, upstream, held: [], bytes: 0 };
    links.add(link);
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (holding) {
        link.held.push(chunk);
        link.bytes += chunk.length;
      } else {
        client.write(chunk);
      }
    });
    const end = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  return {
    port,
    hold() {
      holding = true;
    },
    /** Sends everything held (one write per connection); returns the bytes released. */
    release() {
      holding = false;
      let total = 0;
      for (const link of links) {
        if (link.held.length === 0) continue;
        link.client.write(Buffer.concat(link.held));
        total += link.bytes;
        link.held = [];
        link.bytes = 0;
      }
      return total;
    },
    heldBytes() {
      let total = 0;
      for (const link of links) total += link.bytes;
      return total;
    },
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
