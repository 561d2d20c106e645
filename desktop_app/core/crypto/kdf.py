"""Passphrase key derivation: Argon2id with parameters calibrated per machine and capped on read.

The parameters and salt live beside the wrapped master key. They are read from disk, so they are
untrusted input: ``KdfParams.from_json`` refuses anything outside the caps *before* the KDF runs,
otherwise a tampered workspace could make unlock allocate gigabytes or spin for minutes. The
parameters are bound into the key slot's associated data, but that is only checked after the KDF
has run, so the caps are what stops the attack.

The caps are derived from what ``calibrate`` can ever choose, not from what Argon2 allows: memory
at most ``CALIBRATION_MAX_MEMORY_KIB`` and work (memory x passes) at most ``MAX_WORK_KIB_PASSES``,
which is twice what calibration would pick on a machine far faster than today's desktops (256 MiB x
6 passes in 0.75 s). The worst a tampered slot can then cost is a few seconds and 256 MiB (measured
on a slow 2-core VM: 256 MiB x 3 passes in 2.1 s, so 256 MiB x 12 in about 8 s), where the old caps
(2 GiB x 50 passes) allowed minutes and 2 GiB.
"""

import json
import os
import time
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from desktop_app.core.errors import KdfParametersRejected, PassphraseRejected

ALGORITHM = "argon2id"
KEY_LENGTH = 32
SALT_LENGTH = 16

# The floor (m=64 MiB, t=3) is OWASP's Argon2id recommendation raised a little.
FLOOR_MEMORY_KIB = 64 * 1024
FLOOR_ITERATIONS = 3
CALIBRATION_TARGET_SECONDS = 0.75
CALIBRATION_MAX_MEMORY_KIB = 256 * 1024
# The caps refuse parameters that no calibration of ours would produce (see the module docstring).
MAX_MEMORY_KIB = CALIBRATION_MAX_MEMORY_KIB
MAX_WORK_KIB_PASSES = CALIBRATION_MAX_MEMORY_KIB * 12
MAX_ITERATIONS = 50
MAX_LANES = 16
# Argon2's own minimum, and what tests may use to keep the suite fast.
MIN_MEMORY_KIB = 8 * 1024

# Longer than any typed passphrase; keeps a pasted file from becoming the "passphrase".
MAX_PASSPHRASE_BYTES = 4096


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters. ``memory_kib`` is Argon2's ``m`` in KiB."""

    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes

    def check(self) -> None:
        """Raise ``KdfParametersRejected`` unless every parameter is within the caps."""
        problems = []
        if not MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB:
            problems.append(f"memory {self.memory_kib} KiB")
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            problems.append(f"iterations {self.iterations}")
        if not 1 <= self.lanes <= MAX_LANES:
            problems.append(f"lanes {self.lanes}")
        if not 16 <= len(self.salt) <= 64:
            problems.append(f"salt of {len(self.salt)} bytes")
        if not problems and self.memory_kib * self.iterations > MAX_WORK_KIB_PASSES:
            problems.append(
                f"{self.memory_kib // 1024} MiB x {self.iterations} passes, more work than Evidence Desk ever "
                f"chooses ({MAX_WORK_KIB_PASSES // 1024} MiB-passes at most)"
            )
        if problems:
            raise KdfParametersRejected(
                "The workspace's key settings are out of range (" + ", ".join(problems) + "), so they were not "
                "run: unlocking with them could take minutes and gigabytes of memory. The key slot is damaged "
                "or was tampered with; unlock with the recovery key (which sets fresh settings for this "
                "machine) or restore a backup."
            )

    def to_json(self) -> str:
        """Canonical JSON; also bound into the key slot's associated data."""
        return json.dumps(
            {
                "alg": ALGORITHM,
                "m": self.memory_kib,
                "t": self.iterations,
                "p": self.lanes,
                "salt": self.salt.hex(),
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> "KdfParams":
        """Parse stored parameters, refusing malformed or absurd ones before any work is done."""
        try:
            raw = json.loads(text)
            if raw["alg"] != ALGORITHM:
                raise ValueError(raw["alg"])
            numbers = [raw[key] for key in ("m", "t", "p")]
            # Whole numbers only: 1e999 is a float (inf) that int() cannot take, 3.7 would be truncated.
            if not all(type(number) is int for number in numbers):
                raise TypeError("the KDF numbers must be integers")
            params = cls(numbers[0], numbers[1], numbers[2], bytes.fromhex(raw["salt"]))
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as exc:
            raise KdfParametersRejected(
                "The workspace's key settings cannot be read. The key slot is damaged; unlock with the "
                "recovery key or restore a backup."
            ) from exc
        params.check()
        return params

    @classmethod
    def fresh(cls, memory_kib: int, iterations: int, lanes: int = 1) -> "KdfParams":
        """Parameters with a new random salt."""
        return cls(memory_kib, iterations, lanes, os.urandom(SALT_LENGTH))


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC-normalise and encode, so the same passphrase typed on macOS (NFD) and Windows opens the vault."""
    if not passphrase:
        raise PassphraseRejected("The passphrase is empty. Type the workspace passphrase.")
    encoded = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    if len(encoded) > MAX_PASSPHRASE_BYTES:
        raise PassphraseRejected(f"The passphrase is longer than {MAX_PASSPHRASE_BYTES} bytes.")
    return encoded


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    """Run Argon2id. Checks the caps first; the KDF itself releases the GIL."""
    secret = normalise_passphrase(passphrase)
    params.check()
    return Argon2id(
        salt=params.salt,
        length=KEY_LENGTH,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(secret)


def calibrate(target_seconds: float = CALIBRATION_TARGET_SECONDS) -> KdfParams:
    """Choose parameters that take about ``target_seconds`` on this machine, never below the floor.

    Argon2id's cost is close to linear in memory x passes, so one timed run at the floor predicts the
    rest. Memory is raised first (it is what makes GPU guessing expensive), up to 256 MiB, then passes.
    One lane: ``cryptography`` runs lanes sequentially, so more lanes buy nothing here.
    """
    probe = KdfParams.fresh(FLOOR_MEMORY_KIB, FLOOR_ITERATIONS)
    start = time.perf_counter()
    derive_key("calibration", probe)
    per_kib_pass = (time.perf_counter() - start) / (FLOOR_MEMORY_KIB * FLOOR_ITERATIONS)
    budget = target_seconds / per_kib_pass
    memory = int(min(CALIBRATION_MAX_MEMORY_KIB, budget / FLOOR_ITERATIONS)) // 1024 * 1024
    memory = max(FLOOR_MEMORY_KIB, memory)
    iterations = max(FLOOR_ITERATIONS, min(MAX_ITERATIONS, MAX_WORK_KIB_PASSES // memory, round(budget / memory)))
    return KdfParams.fresh(memory, iterations)
