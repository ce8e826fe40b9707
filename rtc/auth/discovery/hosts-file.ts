/** `/etc/hosts`-format text → host name → address (first address listed for a name wins). */
import { isIP } from "node:net";

export function parseHostsFile(text: string): Record<string, string> {
  const hosts: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const [address, ...names] = raw.replace(/#.*/, "").trim().split(/\s+/);
    if (!address || !isIP(address)) continue;
    for (const name of names) hosts[name.toLowerCase()] ??= address;
  }
  return hosts;
}
