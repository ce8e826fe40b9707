import type { Homeserver } from "../model.ts";
import { ACCESS_RULES_EVENT } from "../policy/room-types.ts";
import type { SynapseConfig } from "./synapse-common.ts";

/** Where the Python policy module lives, relative to the project root (goes on PYTHONPATH). */
export const POLICY_MODULE_DIR = "homeserver-config/synapse-modules";
export const POLICY_MODULE = "tchap_policy.TchapPolicy";

export interface PolicyRenderInput {
  /** Every homeserver of the federation, with the server name it has in this profile. */
  homeservers: { homeserver: Homeserver; serverName: string }[];
  /**
   * Where the external server asks whether an address was invited. Without it, external
   * users cannot register at all (the module refuses when it cannot check).
   */
  directory?: { url: string; tokenPath: string };
  /** Registration e-mails (address validation) go through this relay. */
  smtp: { host: string; port: number; requireTls: boolean };
  notifFrom: string;
}

/** The module's own config: the federation's directory rules, in this profile's names. */
export function policyModuleConfig(input: PolicyRenderInput): Record<string, unknown> {
  return {
    homeservers: input.homeservers.map(({ homeserver, serverName }) => ({
      server_name: serverName,
      external: homeserver.external,
      addresses: homeserver.agencies.flatMap((a) => a.email.addresses),
      domains: homeserver.agencies.flatMap((a) => a.email.domains),
    })),
    ...(input.directory
      ? { directory: { url: input.directory.url, token_path: input.directory.tokenPath } }
      : {}),
  };
}

/**
 * Synapse settings that load the policy module and open e-mail registration under it: an
 * account needs a validated address, which the module checks against the directory rules.
 */
export function policySettings(input: PolicyRenderInput): SynapseConfig {
  return {
    modules: [{ module: POLICY_MODULE, config: policyModuleConfig(input) }],
    // Invites carry the access rule, so the invited user's server can check it too.
    room_prejoin_state: { additional_event_types: [ACCESS_RULES_EVENT] },
    enable_registration: true,
    registrations_require_3pid: ["email"],
    email: {
      smtp_host: input.smtp.host,
      smtp_port: input.smtp.port,
      require_transport_security: input.smtp.requireTls,
      enable_tls: input.smtp.requireTls,
      notif_from: input.notifFrom,
      app_name: "Tchap",
      enable_notifs: false,
    },
  };
}
