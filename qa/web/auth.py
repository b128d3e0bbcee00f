"""Who may use the server: nobody else while it listens on this machine only; beyond it, whoever
holds the key (``QA_API_KEY``: a bearer token for the APIs, the password of the page)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

PAGE_USER = "qa"  # the page's sign-in name; the password is the key
MIN_KEY_CHARS = 16
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class UnsafeBindError(ValueError):
    """The server would be reachable from other machines with nothing asked of who connects."""


@dataclass(frozen=True)
class Access:
    """``key`` is what every request must present; ``None`` leaves the server open."""

    key: str | None = None

    def allows_token(self, header: str | None) -> bool:
        """Whether an ``Authorization`` header carries the key as a bearer token."""
        if self.key is None:
            return True
        scheme, _, token = (header or "").partition(" ")
        return scheme.lower() == "bearer" and _same(token.strip(), self.key)

    def page_auth(self):
        """Gradio's ``auth``: a sign-in page asking for ``qa`` and the key (``None`` when open)."""
        if self.key is None:
            return None
        key = self.key
        return lambda user, password: _same(user, PAGE_USER) & _same(password, key)


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.")


def access_for(host: str, key: str | None, insecure_no_auth: bool = False) -> Access:
    """The access rules for a server bound to ``host``: a key when one is given (local or not),
    refusal to start beyond this machine without one unless ``insecure_no_auth``."""
    key = (key or "").strip() or None
    if key is not None:
        if len(key) < MIN_KEY_CHARS:
            raise UnsafeBindError(f"QA_API_KEY is {len(key)} characters long: use at least {MIN_KEY_CHARS} "
                                  "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(24))'`)")
        return Access(key)
    if is_local(host) or insecure_no_auth:
        return Access()
    raise UnsafeBindError(
        f"--host {host} lets other machines reach the chat and the APIs, and no key is set: set QA_API_KEY "
        f"(a bearer token for the APIs; the page asks for user {PAGE_USER!r} and the key), or pass "
        "--insecure-no-auth to serve everyone without one")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))
