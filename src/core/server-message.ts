/** The readable message a server put in a payload (`"text"` or `{ message: "text" }`), capped at 200 characters. */
export function serverMessage(payload: unknown): string | undefined {
  if (typeof payload === "string") return payload.slice(0, 200);
  if (payload && typeof payload === "object" && "message" in payload && typeof payload.message === "string") {
    return payload.message.slice(0, 200);
  }
  return undefined;
}
