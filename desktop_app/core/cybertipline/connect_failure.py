"""Why a connection to the CyberTipline could not be made, in words a reviewer can act on.

httpx reports every failure to connect as one ``ConnectError`` whose text is the library's
("[SSL: CERTIFICATE_VERIFY_FAILED] ... (_ssl.c:1006)"). What the reviewer should do differs by cause:
a certificate this computer does not trust means a wrong address or something intercepting the
connection (or a wrong clock, for an expired one); a failed handshake means the address is not an
HTTPS service; an unknown name means a typo or no DNS; a refusal means nothing listens there. The
cause is found by walking the exception's chain (httpx raises from httpcore's error, which was
raised while handling the ``ssl``/``socket`` one: ``__cause__``, then ``__context__``). In every case nothing was sent.
"""

import socket
import ssl


def connect_failure(problem: BaseException, where: str) -> str:
    """The sentence for a failed connection to ``where`` (``problem`` as httpx raised it)."""
    cause = _root_cause(problem)
    if isinstance(cause, ssl.SSLCertVerificationError):
        detail = cause.verify_message or str(cause)
        clock = ""
        if "expired" in detail or "not yet valid" in detail:
            clock = " If the address is right, check this computer's date and time."
        return (
            f"Cannot reach {where}: its certificate is not one this computer trusts ({detail}); nothing was sent. "
            f"Check the address.{clock} If it is NCMEC's, something on this network (a proxy, an antivirus, a "
            "captive portal) intercepts encrypted connections: ask whoever runs the network."
        )
    if isinstance(cause, ssl.SSLError):
        return (
            f"Cannot reach {where}: the secure (HTTPS) handshake failed ({cause.reason or cause}), so the address "
            "or its port is probably not an HTTPS service; nothing was sent. Check the address."
        )
    if isinstance(cause, socket.gaierror):
        return (
            f"Cannot reach {where}: the server's name could not be found ({cause.strerror or cause}); nothing was "
            "sent. Check the address's spelling and this computer's network connection."
        )
    if isinstance(cause, ConnectionRefusedError):
        return (
            f"Cannot reach {where}: nothing accepts connections there (connection refused); nothing was sent. "
            "Check the address and its port, or try later if the service is down."
        )
    text = str(problem).strip() or type(problem).__name__
    return f"Cannot reach {where} ({text}). Check the network and the address; nothing was sent."


def _root_cause(problem: BaseException) -> BaseException:
    for _ in range(10):  # the chain is two or three long; a bound all the same
        inner = problem.__cause__ or problem.__context__
        if inner is None:
            break
        problem = inner
    return problem
