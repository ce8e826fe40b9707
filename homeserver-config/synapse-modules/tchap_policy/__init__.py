"""Tchap's homeserver policy, enforced by Synapse itself (loaded from the rendered config).

- Accounts: an e-mail address may only be registered on the server the directory names;
  on the external users' server, only once someone recorded an invitation of the address.
- Rooms: the `im.vector.room.access_rules` rules (see access_rules.py); server admins bypass.
- External users cannot create rooms and are hidden from other users' directory searches.
- When the last admin of a room leaves, the longest-standing member is promoted.

Config (rendered by homeserver-config/src/policy/module-config.ts):
  homeservers: [{server_name, external, addresses: [...], domains: [...]}]
  directory: {url, token_path}   # where recorded invitations are looked up
"""

import logging
from typing import Any
from urllib.parse import quote

from synapse.api.errors import Codes, SynapseError
from synapse.module_api import ModuleApi

from . import access_rules as rules
from . import reasons as R
from .reasons import Refusal
from .directory import localpart_for_email, server_for_email

logger = logging.getLogger(__name__)
ADMIN_LEVEL = 100


class TchapPolicy:
    def __init__(self, config: dict, api: ModuleApi):
        self._api = api
        self._homeservers = config["homeservers"]
        self._directory = config.get("directory") or {}
        self._externals = [hs["server_name"] for hs in self._homeservers if hs["external"]]
        self._is_external = api.server_name in self._externals
        api.register_third_party_rules_callbacks(
            check_event_allowed=self.check_event_allowed,
            on_create_room=self.on_create_room,
            on_new_event=self.on_new_event,
        )
        api.register_spam_checker_callbacks(
            user_may_publish_room=self.user_may_publish_room,
            federated_user_may_invite=self.federated_user_may_invite,
            check_username_for_spam=self.check_username_for_spam,
        )
        api.register_password_auth_provider_callbacks(
            is_3pid_allowed=self.is_3pid_allowed,
            get_username_for_registration=self.get_username_for_registration,
        )

    @staticmethod
    def parse_config(config: dict) -> dict:
        if not isinstance(config.get("homeservers"), list):
            raise ValueError("tchap_policy: config.homeservers must be a list")
        return config

    def _external_user(self, user_id: str) -> bool:
        return rules.server_of(user_id) in self._externals

    async def _bypass(self, user_id: str) -> bool:
        return self._api.is_mine(user_id) and await self._api.is_user_admin(user_id)

    # --- Accounts -------------------------------------------------------------------------

    async def is_3pid_allowed(self, medium: str, address: str, registration: bool) -> bool:
        if medium != "email":
            return False
        target = server_for_email(self._homeservers, address)
        if target != self._api.server_name:
            logger.info("3pid refused here: the directory names %s", target)
            return False
        if self._is_external and registration:
            return await self._invited(address)
        return True

    async def _invited(self, address: str) -> bool:
        """Asks the directory whether someone recorded an invitation; refuses if it can't tell."""
        url, token_path = self._directory.get("url"), self._directory.get("token_path")
        if not url or not token_path:
            logger.warning("no directory configured: external registration refused")
            return False
        try:
            with open(token_path, encoding="utf-8") as f:
                token = f.read().strip()
            answer = await self._api.http_client.get_json(
                f"{url}/_tchap/directory/v1/internal/invitations/{quote(address, safe='')}",
                headers={"Authorization": [f"Bearer {token}"]},
            )
            return answer.get("invited") is True
        except Exception as e:  # noqa: BLE001 - any failure means "not known to be invited"
            logger.warning("directory invitation lookup failed: %s", e)
            return False

    async def get_username_for_registration(self, uia_results: dict, params: dict) -> str | None:
        email = (uia_results.get("m.login.email.identity") or {}).get("address")
        return localpart_for_email(email) if email else None

    async def check_username_for_spam(self, user_profile: dict, requester_id: str) -> bool:
        # "Spammy" profiles are left out of user-directory results: external users, for others.
        user_id = user_profile["user_id"]
        return self._external_user(user_id) and user_id != requester_id

    # --- Rooms ----------------------------------------------------------------------------

    async def on_create_room(self, requester: Any, config: dict, is_admin: bool) -> None:
        user_id = requester.user.to_string()
        if self._is_external and not is_admin:
            _refuse(403, Refusal(R.EXTERNAL_CANNOT_CREATE_ROOM, "External users cannot create rooms."))
        state = config.setdefault("initial_state", [])
        given = next((e for e in state if e.get("type") == rules.ACCESS_RULES), None)
        rule = (given or {}).get("content", {}).get("rule")
        if given is None:
            rule = rules.DIRECT if config.get("is_direct") else rules.RESTRICTED
            state.insert(0, {"type": rules.ACCESS_RULES, "state_key": "", "content": {"rule": rule}})
        if rule not in rules.RULES:
            refusal = rules.rule_change_violation(None, rule, {}, self._externals)
            assert refusal is not None
            _refuse(400, refusal, Codes.INVALID_PARAM)
        if rule == rules.RESTRICTED and self._externals:
            if not any(e.get("type") == "m.room.server_acl" for e in state):
                # The room's own servers then refuse the external servers' joins over
                # federation (make_join/send_join check ACLs; third-party rules are not run).
                state.append(self._acl_event(self._externals))
        if is_admin:
            return  # Server admins bypass the refusals below, not the defaults above.
        invitees = config.get("invite") or []
        if rule == rules.UNRESTRICTED and config.get("visibility") == "public":
            _refuse(403, Refusal(
                R.ROOM_NOT_PUBLISHABLE,
                "A room open to external users cannot be published in the room directory.",
            ))
        if rule == rules.RESTRICTED:
            externals = [u for u in invitees if self._external_user(u)]
            if externals:
                _refuse(403, Refusal(
                    R.EXTERNAL_NOT_ALLOWED,
                    f"This room is restricted to agents: {', '.join(externals)} may not be "
                    "invited. Create a room open to external users instead.",
                ))
        if rule == rules.DIRECT and len(set(invitees) | {user_id}) > 2:
            _refuse(403, Refusal(R.DIRECT_CHAT_FULL, "A direct chat has at most two members."))

    @staticmethod
    def _acl_event(deny: list[str]) -> dict:
        content = {"allow": ["*"], "deny": deny, "allow_ip_literals": False}
        return {"type": "m.room.server_acl", "state_key": "", "content": content}

    async def check_event_allowed(self, event: Any, state: dict) -> tuple[bool, None]:
        refusal = rules.event_violation(event, state, self._externals, self._api.server_name)
        if refusal and not await self._bypass(event.sender):
            _refuse(403, refusal)
        if self._is_last_admin_leaving(event, state):
            await self._promote_successor(event, state)
        return True, None

    async def user_may_publish_room(self, user_id: str, room_id: str) -> Any:
        state = await self._api.get_room_state(room_id, [(rules.ACCESS_RULES, "")])
        if rules.current_rule(state) == rules.RESTRICTED or await self._bypass(user_id):
            return "NOT_SPAM"
        refusal = Refusal(
            R.ROOM_NOT_PUBLISHABLE,
            "Only rooms restricted to agents can be published in the room directory.",
        )
        return Codes.FORBIDDEN, {"error": refusal.message, **refusal.fields()}

    async def federated_user_may_invite(self, event: Any) -> Any:
        # The inviting server enforces the rules; this is the external server's own check,
        # from the room state it was sent with the invite (room_prejoin_state).
        if not self._external_user(event.state_key):
            return "NOT_SPAM"
        stripped = event.unsigned.get("invite_room_state") or []
        access = next((e for e in stripped if e.get("type") == rules.ACCESS_RULES), None)
        if access and access.get("content", {}).get("rule") in (rules.UNRESTRICTED, rules.DIRECT):
            return "NOT_SPAM"
        refusal = Refusal(
            R.EXTERNAL_NOT_ALLOWED, "External users may only be invited to rooms open to them."
        )
        return Codes.FORBIDDEN, {"error": refusal.message, **refusal.fields()}

    async def on_new_event(self, event: Any, state: dict) -> None:
        """After restricted → unrestricted, lift the ACL that kept the external servers out."""
        if event.type != rules.ACCESS_RULES or not self._api.is_mine(event.sender):
            return
        if event.content.get("rule") != rules.UNRESTRICTED:
            return
        acl = state.get(("m.room.server_acl", ""))
        if not acl or not set(acl.content.get("deny") or []) & set(self._externals):
            return
        content = dict(acl.content)
        content["deny"] = [s for s in acl.content.get("deny") or [] if s not in self._externals]
        await self._api.create_and_send_event_into_room(
            {"type": "m.room.server_acl", "state_key": "", "room_id": event.room_id,
             "sender": event.sender, "content": content}
        )

    # --- Last admin -----------------------------------------------------------------------

    def _is_last_admin_leaving(self, event: Any, state: dict) -> bool:
        if event.type != "m.room.member" or event.state_key != event.sender:
            return False
        if event.content.get("membership") != "leave" or not self._api.is_mine(event.sender):
            return False
        if rules.membership(state, event.sender) != "join":
            return False
        levels = _levels(state)
        joined = [u for u in rules.members(state) if rules.membership(state, u) == "join"]
        return levels(event.sender) >= ADMIN_LEVEL and not any(
            levels(u) >= ADMIN_LEVEL for u in joined if u != event.sender
        )

    async def _promote_successor(self, event: Any, state: dict) -> None:
        """Promotes, as the leaving admin (who still has the power), the longest-standing member.

        Done before the leave is accepted: afterwards nobody left could send power levels.
        External users are never promoted (rooms open to them keep them at 0).
        """
        candidates = [
            u for u in rules.members(state)
            if u != event.sender and rules.membership(state, u) == "join" and not self._external_user(u)
        ]
        if not candidates:
            return
        successor = await self._longest_standing(event.room_id, candidates)
        content = dict(state[("m.room.power_levels", "")].content)
        content["users"] = {**(content.get("users") or {}), successor: ADMIN_LEVEL}
        try:
            await self._api.create_and_send_event_into_room(
                {"type": "m.room.power_levels", "state_key": "", "room_id": event.room_id,
                 "sender": event.sender, "content": content}
            )
            logger.info("promoted %s in %s as its last admin left", successor, event.room_id)
        except Exception:  # noqa: BLE001 - the leave must go through regardless
            logger.exception("could not promote a successor in %s", event.room_id)

    async def _longest_standing(self, room_id: str, candidates: list[str]) -> str:
        def first_joins(txn: Any) -> dict[str, int]:
            # Earliest join this server saw for each member. The module API has no query
            # for membership history, so this reads Synapse's own tables (stable for years).
            txn.execute(
                "SELECT m.user_id, MIN(e.stream_ordering) FROM room_memberships m "
                "JOIN events e ON e.event_id = m.event_id "
                "WHERE m.room_id = ? AND m.membership = 'join' GROUP BY m.user_id",
                (room_id,),
            )
            return {user: order for user, order in txn.fetchall()}

        joins = await self._api.run_db_interaction("tchap_first_joins", first_joins)
        return min(candidates, key=lambda u: (joins.get(u, float("inf")), u))


def _refuse(status: int, refusal: Refusal, errcode: str = Codes.FORBIDDEN) -> None:
    """Raises the refusal with its text as `error` and its reason as `fr.tchap.reason`."""
    raise SynapseError(status, refusal.message, errcode, refusal.fields())


def _levels(state: dict):
    pl = state.get(("m.room.power_levels", ""))
    content = pl.content if pl else {}
    users, default = content.get("users") or {}, content.get("users_default", 0)
    return lambda user: rules._level(users.get(user, default))
