/** True when `hostname` names this machine: `localhost`, `*.localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  return /^(::1|0:0:0:0:0:0:0:1|127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3})$|(^|\.)localhost$/.test(
    hostname.toLowerCase().replace(/^\[|\]$/g, ""),
  );
}
