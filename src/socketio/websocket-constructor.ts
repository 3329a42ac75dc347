/** Anything constructible like the WHATWG `WebSocket` (the global one, or a polyfill). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;
