"""Where the CyberTipline is, and the NCMEC credentials for it (kept only in the OS keyring).

The endpoint is the one place Evidence Desk ever sends anything. It is NCMEC's production or test
("exttest") service, or another address the reviewer typed (a staging proxy, or the emulator the
tests start). Anything but HTTPS is refused, except plain HTTP to this computer's own loopback
address, where nothing crosses a network.

Credentials are per endpoint (NCMEC issues test and production accounts separately, cybertipline-service.md §1)
and live only in the OS keyring (house style 13): where the system has none, they cannot be saved,
and the reviewer is told so.
"""

import ipaddress
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from desktop_app.core.domain.submission import PRODUCTION_URL as PRODUCTION_URL
from desktop_app.core.domain.submission import TEST_URL as TEST_URL
from desktop_app.core.errors import CredentialsMissing, EndpointRefused
from desktop_app.core.platform.secrets import SecretStore

KNOWN_ENDPOINTS = {TEST_URL: "NCMEC test (exttest)", PRODUCTION_URL: "NCMEC production"}
_SECRET_PREFIX = "cybertipline-credentials "


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str) -> str:
    """The endpoint normalised (no trailing slash); ``EndpointRefused`` if it is not one we send to."""
    text = url.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises for a port that is not a number or out of range
    except ValueError:
        raise EndpointRefused(f"{url!r} is not a web address.") from None
    host = parts.hostname or ""
    if not host or parts.scheme not in ("https", "http"):
        raise EndpointRefused(f"{url!r} is not a web address; NCMEC's is {PRODUCTION_URL}.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise EndpointRefused("Give the address alone: no user name, password, query or fragment in it.")
    if parts.scheme == "http" and not _is_loopback(host):
        raise EndpointRefused(
            f"{text} is not HTTPS. Reports and NCMEC credentials are only ever sent encrypted; "
            "plain HTTP is allowed only to this computer (127.0.0.1, for a local test server)."
        )
    return text


def describe_endpoint(url: str) -> str:
    """A reviewer's name for an endpoint: NCMEC's two by name, others as their address."""
    return KNOWN_ENDPOINTS.get(url, url)


@dataclass(frozen=True)
class Credentials:
    """An NCMEC-issued user name and password (HTTP Basic). The password never appears in a repr."""

    username: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.username.strip() or not self.password:
            raise CredentialsMissing("Enter both the user name and the password NCMEC issued.")
        if ":" in self.username:
            raise CredentialsMissing("An NCMEC user name cannot contain ':' (HTTP Basic separates on it).")


class CredentialStore:
    """NCMEC credentials per endpoint in the OS keyring; ``secrets`` None means the system has none."""

    def __init__(self, secrets: SecretStore | None, where: str = "this computer's keyring") -> None:
        self._secrets = secrets
        self.where = where  # which store keeps them, in words (the connection dialog says so)

    @property
    def available(self) -> bool:
        """Whether credentials can be kept at all on this system."""
        return self._secrets is not None

    def load(self, endpoint: str) -> Credentials | None:
        """The saved credentials for ``endpoint``, or None."""
        if self._secrets is None:
            return None
        raw = self._secrets.get(_SECRET_PREFIX + endpoint)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
            return Credentials(str(value["username"]), str(value["password"]))
        except (ValueError, KeyError, TypeError, CredentialsMissing):
            return None  # damaged entry: as if none were saved; saving again replaces it

    def require(self, endpoint: str) -> Credentials:
        """The saved credentials, or ``CredentialsMissing`` saying where to enter them."""
        found = self.load(endpoint)
        if found is None:
            where = "" if self.available else " This system has no OS keyring to keep them in."
            raise CredentialsMissing(
                f"No NCMEC user name and password are saved for {describe_endpoint(endpoint)}: enter them under "
                f"Workspace > CyberTipline connection.{where}"
            )
        return found

    def save(self, endpoint: str, credentials: Credentials) -> None:
        """Keep ``credentials`` for ``endpoint`` (replacing any)."""
        if self._secrets is None:
            raise CredentialsMissing(
                "This system has no OS keyring, and Evidence Desk never keeps passwords anywhere else."
            )
        value = json.dumps({"username": credentials.username, "password": credentials.password})
        self._secrets.set(_SECRET_PREFIX + endpoint, value)
        if self.load(endpoint) != credentials:  # the keyring may refuse quietly (locked, full)
            raise CredentialsMissing("The OS keyring did not keep the credentials; unlock it and try again.")

    def forget(self, endpoint: str) -> None:
        """Delete the saved credentials for ``endpoint``."""
        if self._secrets is not None:
            self._secrets.delete(_SECRET_PREFIX + endpoint)
