/** Builds an HTTP Basic `Authorization` value from a token pair (UTF-8 safe, no Node `Buffer`). */
export function basicAuthorization(identifier: string, key: string): string {
  const bytes = new TextEncoder().encode(`${identifier}:${key}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
