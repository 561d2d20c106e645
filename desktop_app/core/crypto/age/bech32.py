"""Bech32 (BIP 173) as age uses it for keys: ``age1...`` recipients, ``AGE-SECRET-KEY-1...`` identities.

A few dozen lines: no maintained library covers exactly age's variant (plain Bech32, not Bech32m,
upper- or lower-case but never mixed), and a dependency for this would cost more than it saves.
"""

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_MAX_LENGTH = 256  # far above any X25519 key; bounds the work on hostile input


class Bech32Error(ValueError):
    """The string is not valid Bech32."""


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(_GENERATOR):
            if (top >> i) & 1:
                checksum ^= generator
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: list[int] | bytes, from_bits: int, to_bits: int, pad: bool) -> list[int]:
    accumulator, bits, out = 0, 0, []
    max_value = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & max_value)
    if pad:
        if bits:
            out.append((accumulator << (to_bits - bits)) & max_value)
    elif bits >= from_bits or (accumulator << (to_bits - bits)) & max_value:
        raise Bech32Error("invalid padding")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode ``data`` under the human-readable part ``hrp`` (output in ``hrp``'s case)."""
    values = _convert_bits(data, 8, 5, pad=True)
    lower_hrp = hrp.lower()
    checksum = _polymod(_hrp_expand(lower_hrp) + values + [0] * 6) ^ 1
    values += [(checksum >> 5 * (5 - i)) & 31 for i in range(6)]
    text = lower_hrp + "1" + "".join(_CHARSET[v] for v in values)
    return text.upper() if hrp.isupper() else text


def decode(text: str) -> tuple[str, bytes]:
    """Return (lower-case hrp, data) or raise ``Bech32Error``."""
    if len(text) > _MAX_LENGTH:
        raise Bech32Error("too long")
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("mixed case")
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise Bech32Error("invalid character")
    text = text.lower()
    separator = text.rfind("1")
    if separator < 1 or separator + 7 > len(text):
        raise Bech32Error("separator misplaced")
    hrp, rest = text[:separator], text[separator + 1 :]
    try:
        values = [_CHARSET.index(c) for c in rest]
    except ValueError:
        raise Bech32Error("invalid character") from None
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise Bech32Error("checksum mismatch")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
