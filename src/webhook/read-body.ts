import { RTMError } from "../core/errors.js";
import { webhookError } from "./failure.js";

/** Default largest accepted web hook body: 1 MiB (Crisp's are a few kilobytes). */
export const DEFAULT_WEBHOOK_MAX_BYTES = 1024 * 1024;

/**
 * Reads a request body as raw bytes, at most `maxBytes` of them. Throws `payload_too_large` (413) beyond
 * that (a too large `Content-Length` is refused before reading), `webhook_invalid` (400) when the body was
 * already consumed or cannot be read.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (request.bodyUsed) throw webhookError("webhook_invalid", "the request body was already read");
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const stream = request.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RTMError) throw error;
    throw webhookError("webhook_invalid", "the request body could not be read", error);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(maxBytes: number): RTMError {
  return new RTMError("payload_too_large", `the web hook body is larger than ${maxBytes} bytes`, { status: 413 });
}
