import path from "node:path";
import type { LocalInstance } from "../local/instance.ts";

/** What the local directory service keeps in the instance's data folder. */
export function directoryFiles(instance: LocalInstance) {
  const dir = path.join(instance.dataDir, "directory");
  return {
    dir,
    /** Bearer token the homeservers' policy module presents to the internal endpoints. */
    internalToken: path.join(dir, "internal-token"),
    invitations: path.join(dir, "invitations.json"),
  };
}
