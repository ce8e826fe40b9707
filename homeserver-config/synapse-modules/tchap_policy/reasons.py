"""Machine-readable reasons added to every refusal, as `"fr.tchap.reason"` beside `error`.

The list is homeserver-config/src/policy/refusal-reasons.ts (POLICY_REASONS), which clients
import; a unit test checks both lists match.
"""

from typing import NamedTuple

REASON_FIELD = "fr.tchap.reason"

EXTERNAL_NOT_ALLOWED = "external_not_allowed"
EXTERNAL_NOT_INVITED = "external_not_invited"
DIRECT_CHAT_FULL = "direct_chat_full"
EXTERNAL_CANNOT_CREATE_ROOM = "external_cannot_create_room"
ROOM_NOT_PUBLISHABLE = "room_not_publishable"
INVITE_ONLY_REQUIRED = "invite_only_required"
DIRECT_CHAT_PUBLIC = "direct_chat_public"
DIRECT_CHAT_LOCKED = "direct_chat_locked"
EXTERNAL_POWER_LEVEL = "external_power_level"
ACCESS_RULE_CHANGE = "access_rule_change"
ROOM_HAS_EXTERNAL_MEMBERS = "room_has_external_members"
UNKNOWN_ACCESS_RULE = "unknown_access_rule"
ACL_MUST_DENY_EXTERNALS = "acl_must_deny_externals"


class Refusal(NamedTuple):
    """Why an action is refused: the stable reason and the English text shown to people."""

    reason: str
    message: str

    def fields(self) -> dict:
        """The error body's extra fields (SynapseError additional_fields, spam-checker dict)."""
        return {REASON_FIELD: self.reason}
