/**
 * Machine-readable reasons of Tchap's policy refusals. The Synapse module
 * (synapse-modules/tchap_policy/reasons.py, same strings) adds `"fr.tchap.reason": <reason>`
 * to every refusal it raises, beside the English `error` text and errcode M_FORBIDDEN (or
 * M_INVALID_PARAM for an unknown rule). Clients map the reason, never the text.
 */
export const POLICY_REASON_FIELD = "fr.tchap.reason";

export const POLICY_REASONS = [
  /** An external user invited to, or joining, a room restricted to agents. */
  "external_not_allowed",
  /** An external user joining a room open to externals without an invitation. */
  "external_not_invited",
  /** A third member for a direct chat. */
  "direct_chat_full",
  /** Accounts of the external users' server cannot create rooms. */
  "external_cannot_create_room",
  /** Only rooms restricted to agents may be published in the room directory. */
  "room_not_publishable",
  /** Rooms open to externals must stay invite-only. */
  "invite_only_required",
  /** Direct chats cannot be made public. */
  "direct_chat_public",
  /** The name, topic and avatar of a direct chat are fixed. */
  "direct_chat_locked",
  /** In rooms open to externals, externals and users_default stay at power level 0. */
  "external_power_level",
  /** The only access-rule change allowed is restricted → unrestricted. */
  "access_rule_change",
  /** A room with external members cannot become restricted. */
  "room_has_external_members",
  /** The access rule given is none of restricted, unrestricted, direct. */
  "unknown_access_rule",
  /** A restricted room's server ACL must keep denying the external servers. */
  "acl_must_deny_externals",
] as const;

export type PolicyReason = (typeof POLICY_REASONS)[number];

/** The policy reason in an error body (a Matrix error's JSON, or matrix-js-sdk's `data`). */
export function policyReasonOf(body: unknown): PolicyReason | null {
  const value = (body as Record<string, unknown> | null | undefined)?.[POLICY_REASON_FIELD];
  return (POLICY_REASONS as readonly unknown[]).includes(value) ? (value as PolicyReason) : null;
}
