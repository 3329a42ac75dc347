// @ts-check
/** A tiny static file handler for the demo: an allow-list of roots and file types, no directory traversal. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";

/** MIME types of the files the demo serves; any other extension is a 404. */
export const MIME_TYPES = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
});

/**
 * A URL prefix served from a folder; `deny` lists first path segments never served (e.g. server code).
 * @typedef {{ prefix: string, dir: string, deny?: readonly string[] }} Mount
 */

/**
 * Maps a URL path to a file inside one of the mounts, or null. Refuses encoded slashes, NUL bytes, `..`,
 * dot-files and anything that would resolve outside the mount's folder.
 * @param {readonly Mount[]} mounts Tried in order; put longer prefixes first.
 * @param {string} pathname The request's path, still URL-encoded.
 * @returns {string | null}
 */
export function resolveFile(mounts, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\") || /%2f|%5c/i.test(pathname)) return null;
  for (const { prefix, dir, deny = [] } of mounts) {
    if (!decoded.startsWith(prefix)) continue;
    const segments = decoded
      .slice(prefix.length)
      .split("/")
      .filter((s) => s !== "");
    if (segments.length === 0 || segments.some((s) => s.startsWith("."))) return null;
    if (deny.includes(/** @type {string} */ (segments[0]))) return null;
    const root = resolve(dir);
    const file = resolve(root, ...segments);
    return file.startsWith(root + sep) ? file : null;
  }
  return null;
}

/**
 * Serves `file` (GET or HEAD) with its MIME type, or a 404 when it is missing, a folder or an unknown type.
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {string | null} file
 */
export async function sendFile(req, res, file) {
  const type = file === null ? undefined : MIME_TYPES[/** @type {keyof typeof MIME_TYPES} */ (extname(file))];
  const info = file === null || type === undefined ? null : await stat(file).catch(() => null);
  if (file === null || type === undefined || info === null || !info.isFile()) {
    sendText(res, 404, "Not found");
    return;
  }
  res.writeHead(200, {
    "Content-Type": type,
    "Content-Length": info.size,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") res.end();
  else
    createReadStream(file)
      .on("error", () => res.destroy())
      .pipe(res);
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {string} text
 * @param {Record<string, string>} [headers]
 */
export function sendText(res, status, text, headers = {}) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(text);
}
