/**
 * The provisioning identity of one homeserver: an application service that may act as its
 * own bot users and is exempt from rate limits. Agencies never share these tokens.
 */
export interface AppserviceTokens {
  asToken: string;
  hsToken: string;
}

export const PROVISIONER_LOCALPART = "provisioner";

export function provisioningAppservice(serverName: string, tokens: AppserviceTokens) {
  const escaped = serverName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return {
    id: "tchap-provisioning",
    // No URL: the homeserver pushes no transactions; the bots only call the client API.
    url: null,
    as_token: tokens.asToken,
    hs_token: tokens.hsToken,
    sender_localpart: PROVISIONER_LOCALPART,
    rate_limited: false,
    namespaces: {
      users: [{ exclusive: true, regex: `@(provisioner|bot\\.[a-z0-9._-]+):${escaped}` }],
      // Not exclusive: the provisioner may create room aliases on its server, people still can.
      aliases: [{ exclusive: false, regex: `#.*:${escaped}` }],
      rooms: [],
    },
  };
}
