/** The readable message a server put in a payload (`"text"` or `{ message: "text" }`), capped at 200 characters. */
export function serverMessage(payload: unknown): string | undefined {
  const text = typeof payload === "string" ? payload : (payload as { message?: unknown } | null | undefined)?.message;
  return typeof text === "string" ? text.slice(0, 200) : undefined;
}
