import { HttpMatrixApi, type ApiStats } from "../matrix/matrix-api.ts";
import type { ProvisioningAgent } from "../provision/execute.ts";

/** Requests made by every agent of a run (provisioners and admin identities). */
export function totalStats(agents: Map<string, ProvisioningAgent>): ApiStats {
  const total: ApiStats = { requests: 0, writes: 0, rateLimited: 0, transientRetries: 0 };
  for (const a of agents.values()) {
    for (const api of [a.api, a.admin]) {
      if (!(api instanceof HttpMatrixApi)) continue;
      total.requests += api.stats.requests;
      total.writes += api.stats.writes;
      total.rateLimited += api.stats.rateLimited;
      total.transientRetries += api.stats.transientRetries;
    }
  }
  return total;
}
