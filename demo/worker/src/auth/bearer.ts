import { constantTimeEqual, sha256 } from "./bytes.js";

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * True when the request carries `Authorization: Bearer <secret>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the guess.
 */
export async function bearerMatches(request: Request, secret: string): Promise<boolean> {
  const match = BEARER.exec(request.headers.get("Authorization") ?? "");
  const presented = match?.[1];
  if (presented === undefined) return false;
  const [given, expected] = await Promise.all([sha256(presented), sha256(secret)]);
  return constantTimeEqual(given, expected);
}
