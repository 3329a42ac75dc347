/**
 * True when `hostname`, as WHATWG `URL` gives it (lower-case, IPv4 dotted decimal, IPv6 compressed in
 * brackets), names this machine: `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
  return /^(\[::1\]|127(\.\d+){3})$|(^|\.)localhost$/.test(hostname);
}
