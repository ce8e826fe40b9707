"""Which homeserver serves an e-mail address, from the rules rendered out of federation.yaml.

Mirrors homeserver-config/src/directory/resolve-email.ts: exact addresses first, then exact
domains, then `*.` patterns, else the external users' server. Pure functions, no Synapse.
"""

import unicodedata


def normalise_email(address: str) -> str:
    # Synapse hands us addresses whose local part is already casefolded; casefolding ours
    # too makes both sides compare equal.
    return unicodedata.normalize("NFC", address.strip()).casefold()


def server_for_email(homeservers: list[dict], address: str) -> str | None:
    """The server name the directory names for `address`; None if no server is external."""
    email = normalise_email(address)
    domain = email[email.rfind("@") + 1 :]
    for hs in homeservers:
        if any(normalise_email(a) == email for a in hs["addresses"]):
            return hs["server_name"]
    for hs in homeservers:
        if domain in hs["domains"]:
            return hs["server_name"]
    for hs in homeservers:
        if any(d.startswith("*.") and domain.endswith(d[1:]) for d in hs["domains"]):
            return hs["server_name"]
    return next((hs["server_name"] for hs in homeservers if hs["external"]), None)


def localpart_for_email(address: str) -> str:
    """`first.last@agency.gouv.fr` → `first.last-agency.gouv.fr`, as user-id.ts does."""
    out = []
    for ch in normalise_email(address).replace("@", "-", 1):
        if ch.isascii() and (ch.isalnum() or ch in "._-/"):
            out.append(ch)
        else:
            out.extend(f"={b:02x}" for b in ch.encode("utf-8"))
    return "".join(out)
