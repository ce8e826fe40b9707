"""The `im.vector.room.access_rules` rules, as checks on one event against the room's state.

Each check returns None when the event is allowed, else a Refusal: the stable reason code
and the English text shown to the user.
Pure functions over Synapse events (anything with .type, .state_key, .content, .sender).
"""

from typing import Any, Mapping

from . import reasons as R
from .reasons import Refusal

ACCESS_RULES = "im.vector.room.access_rules"
RESTRICTED, UNRESTRICTED, DIRECT = "restricted", "unrestricted", "direct"
RULES = (RESTRICTED, UNRESTRICTED, DIRECT)
# Join rules that let someone in without an invite.
OPEN_JOIN_RULES = ("public", "restricted", "knock_restricted")

State = Mapping[tuple[str, str], Any]


def server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1]


def current_rule(state: State) -> str:
    event = state.get((ACCESS_RULES, ""))
    return event.content.get("rule", RESTRICTED) if event else RESTRICTED


def membership(state: State, user_id: str) -> str | None:
    event = state.get(("m.room.member", user_id))
    return event.content.get("membership") if event else None


def members(state: State) -> set[str]:
    """Users who are joined or invited."""
    return {
        key for (kind, key), e in state.items()
        if kind == "m.room.member" and e.content.get("membership") in ("join", "invite")
    }


def join_rule(state: State) -> str:
    event = state.get(("m.room.join_rules", ""))
    return event.content.get("join_rule", "invite") if event else "invite"


def power_violation(content: Mapping, external_servers: list[str]) -> Refusal | None:
    """Unrestricted rooms: nobody from an external server, nor users_default, above 0."""
    if _level(content.get("users_default", 0)) > 0:
        return Refusal(R.EXTERNAL_POWER_LEVEL, "In a room open to external users, users_default may not be above 0.")
    for user, level in (content.get("users") or {}).items():
        if server_of(user) in external_servers and _level(level) > 0:
            return Refusal(R.EXTERNAL_POWER_LEVEL, f"In a room open to external users, {user} (external) may not be above 0.")
    return None


def _level(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def rule_change_violation(prev: str | None, new: Any, state: State, external_servers: list[str]) -> Refusal | None:
    """Setting the room's access rule: only restricted → unrestricted, and state must comply."""
    if new not in RULES:
        return Refusal(R.UNKNOWN_ACCESS_RULE, f"Unknown access rule {new!r}: use one of {', '.join(RULES)}.")
    if prev is not None and prev != new and (prev, new) != (RESTRICTED, UNRESTRICTED):
        return Refusal(R.ACCESS_RULE_CHANGE, f"The access rule cannot change from {prev} to {new}: only restricted → unrestricted is allowed.")
    if new == RESTRICTED:
        externals = sorted(u for u in members(state) if server_of(u) in external_servers)
        if externals:
            return Refusal(R.ROOM_HAS_EXTERNAL_MEMBERS, f"The room has external members ({', '.join(externals)}): it cannot be restricted.")
    if new == UNRESTRICTED:
        if join_rule(state) in OPEN_JOIN_RULES:
            return Refusal(R.INVITE_ONLY_REQUIRED, "A room open to external users must be invite-only: change its join rule first.")
        pl = state.get(("m.room.power_levels", ""))
        return power_violation(pl.content, external_servers) if pl else None
    if new == DIRECT:
        if len(members(state)) > 2:
            return Refusal(R.DIRECT_CHAT_FULL, "A direct chat has at most two members.")
        if join_rule(state) == "public":
            return Refusal(R.DIRECT_CHAT_PUBLIC, "A direct chat cannot have a public join rule.")
    return None


def event_violation(
    event: Any, state: State, external_servers: list[str], local_server: str = ""
) -> Refusal | None:
    """Why this event breaks the room's access rule, or None."""
    rule = current_rule(state)
    kind, content = event.type, event.content
    if kind == ACCESS_RULES and event.state_key == "":
        prev = state.get((ACCESS_RULES, ""))
        prev_rule = prev.content.get("rule", RESTRICTED) if prev else None
        return rule_change_violation(prev_rule, content.get("rule"), state, external_servers)

    if kind == "m.room.member":
        target, new = event.state_key, content.get("membership")
        external = server_of(target) in external_servers
        if rule == RESTRICTED and external and new in ("invite", "join", "knock"):
            return Refusal(
                R.EXTERNAL_NOT_ALLOWED,
                f"This room is restricted to agents: {target} is an external user and may "
                "neither be invited nor join. Open the room to external users first.",
            )
        # The external user's own server may not have applied a fresh invite to its state yet;
        # the auth rules (such rooms are invite-only) and the room's other servers decide.
        if rule == UNRESTRICTED and external and new in ("join", "knock") and server_of(target) != local_server:
            if membership(state, target) not in ("invite", "join"):
                return Refusal(R.EXTERNAL_NOT_INVITED, f"{target} is an external user: they may only join this room when invited.")
        if rule == DIRECT and new in ("invite", "join") and len(members(state) | {target}) > 2:
            return Refusal(R.DIRECT_CHAT_FULL, "A direct chat has at most two members.")
        return None

    if kind == "m.room.power_levels" and rule == UNRESTRICTED:
        return power_violation(content, external_servers)

    if kind == "m.room.join_rules":
        new_rule = content.get("join_rule")
        if rule == DIRECT and new_rule == "public":
            return Refusal(R.DIRECT_CHAT_PUBLIC, "A direct chat cannot have a public join rule.")
        if rule == UNRESTRICTED and new_rule in OPEN_JOIN_RULES:
            return Refusal(R.INVITE_ONLY_REQUIRED, "A room open to external users must stay invite-only.")
        return None

    if kind in ("m.room.name", "m.room.topic", "m.room.avatar") and rule == DIRECT:
        return Refusal(R.DIRECT_CHAT_LOCKED, "The name, topic and avatar of a direct chat cannot be changed.")

    if kind == "m.room.server_acl" and rule == RESTRICTED:
        denied = content.get("deny") or []
        if any(s not in denied for s in external_servers):
            return Refusal(R.ACL_MUST_DENY_EXTERNALS, "A restricted room must keep denying the external users' servers.")
    return None
