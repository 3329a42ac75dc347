/**
 * Removes credentials from text a server or proxy sent back (a REST `reason`, an `unauthorized` payload, a
 * CONNECT_ERROR, a close description): a server that echoes the token must not leak it into logs through an
 * error message, a lifecycle event or a hub status.
 */
export type Redactor = (text: string) => string;

/** The HTTP Basic credentials of a token (UTF-8 safe without Node's `Buffer`): sent to REST, redacted everywhere. */
export function basicAuth(identifier: string, key: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(`${identifier}:${key}`)));
}

/**
 * A {@link Redactor} that replaces the token's identifier, key (as they are and percent-encoded) and their
 * Basic-auth form with `[redacted]`; the longest first, so a secret that contains another is removed whole.
 */
export function redactor(identifier: string, key: string): Redactor {
  const secrets = [basicAuth(identifier, key), identifier, key, encodeURIComponent(identifier), encodeURIComponent(key)]
    .filter((secret) => secret.length > 3)
    .sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}

/**
 * `value` itself when no secret shows in its text (message, stack or JSON), else that text redacted: the
 * `cause` of an error may be a server's payload or an error quoting it.
 */
export function redactValue(value: unknown, redact: Redactor): unknown {
  if (value === undefined || value === null) return value;
  let text = String(value);
  try {
    text =
      value instanceof Error
        ? `${text}\n${value.stack}\n${(value.cause as Error | undefined)?.message}`
        : JSON.stringify(value);
  } catch {
    // A circular value: its string form is checked.
  }
  const clean = redact(text);
  return clean === text ? value : clean;
}
