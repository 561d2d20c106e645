"""Interoperability with the real Go ``age`` tool and with pyrage (rage), both directions.

Sizes straddle the 64 KiB chunk boundary. The Go tool reads passphrases only from a terminal, so
those runs get a pseudo-terminal. Our passphrase writes use a low scrypt work factor here (the
format is the same; 2^18 costs ~1 s per file and is tested once below); files the other tools
write with a passphrase use their own defaults.
"""

import fcntl
import io
import os
import shutil
import subprocess
import termios
from pathlib import Path

import pytest

from desktop_app.core.crypto.age.file import AgeWriter, open_age
from desktop_app.core.crypto.age.keys import (
    Identity,
    Recipient,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    X25519Recipient,
    parse_identity_file,
)

pyrage = pytest.importorskip("pyrage", reason="pyrage is in the test extra: run ./dev test")
AGE = shutil.which("age")
needs_age = pytest.mark.skipif(AGE is None, reason="the age tool is missing (./dev installs the Debian package age)")
SIZES = [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 3 * 1024 * 1024 + 17]
PASSPHRASE = "interop passphrase 7"


def _plaintext(size: int) -> bytes:
    return os.urandom(size)


def _ours(plaintext: bytes, recipients: list[Recipient]) -> bytes:
    out = io.BytesIO()
    writer = AgeWriter(out, recipients)
    for start in range(0, len(plaintext), 100_000):  # writes that do not line up with chunks
        writer.write(plaintext[start : start + 100_000])
    writer.finish()
    return out.getvalue()


def _open_ours(data: bytes, identities: list[Identity]) -> bytes:
    return b"".join(open_age(io.BytesIO(data), identities).chunks())


def _with_tty(args: list[str], passphrase: str, lines: int, stdin: bytes = b"") -> bytes:
    """Run the Go tool with a pseudo-terminal as its controlling terminal, typing ``passphrase``."""
    master, slave = os.openpty()

    def become_terminal_owner() -> None:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=slave,
        preexec_fn=become_terminal_owner, pass_fds=(slave,),  # noqa: PLW1509 - single-threaded child set-up
    )
    os.close(slave)
    try:
        os.write(master, (passphrase + "\n").encode() * lines)
        out, _ = process.communicate(stdin, timeout=60)
    finally:
        os.close(master)
    assert process.returncode == 0
    return out


@pytest.fixture(scope="module")
def go_keys(tmp_path_factory) -> list[tuple[Path, str]]:
    if AGE is None:
        pytest.skip("the age tool is missing (./dev installs the Debian package age)")
    keys = []
    for n in range(3):
        path = tmp_path_factory.mktemp("keys") / f"key{n}.txt"
        subprocess.run(["age-keygen", "-o", str(path)], check=True, capture_output=True)
        public = subprocess.run(["age-keygen", "-y", str(path)], check=True, capture_output=True, text=True)
        keys.append((path, public.stdout.strip()))
    return keys


@needs_age
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("count", [1, 3])
def test_ours_open_with_go_age_and_pyrage(size, count, go_keys):
    plaintext = _plaintext(size)
    recipients: list[Recipient] = [X25519Recipient.parse(public) for _, public in go_keys[:count]]
    sealed = _ours(plaintext, recipients)
    last_key = go_keys[count - 1][0]
    result = subprocess.run([AGE, "-d", "-i", str(last_key)], input=sealed, capture_output=True, check=True)
    assert result.stdout == plaintext
    pyrage_identity = pyrage.x25519.Identity.from_str(last_key.read_text().splitlines()[-1])
    assert pyrage.decrypt(sealed, [pyrage_identity]) == plaintext


@needs_age
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("count", [1, 3])
def test_theirs_open_with_ours(size, count, go_keys):
    plaintext = _plaintext(size)
    go_args = [AGE, "-e"]
    for _, public in go_keys[:count]:
        go_args += ["-r", public]
    from_go = subprocess.run(go_args, input=plaintext, capture_output=True, check=True).stdout
    pyrage_recipients = [pyrage.x25519.Recipient.from_str(public) for _, public in go_keys[:count]]
    from_pyrage = pyrage.encrypt(plaintext, pyrage_recipients)
    ours = parse_identity_file(go_keys[count - 1][0].read_text())
    assert _open_ours(from_go, list(ours)) == plaintext
    assert _open_ours(from_pyrage, list(ours)) == plaintext


@needs_age
@pytest.mark.parametrize("size", SIZES)
def test_our_passphrase_files_open_with_go_age_and_pyrage(size, tmp_path):
    plaintext = _plaintext(size)
    sealed = _ours(plaintext, [ScryptRecipient(PASSPHRASE, work_factor=10)])
    path = tmp_path / "p.age"
    path.write_bytes(sealed)
    assert _with_tty([AGE, "-d", str(path)], PASSPHRASE, lines=1) == plaintext
    assert pyrage.passphrase.decrypt(sealed, PASSPHRASE) == plaintext


@needs_age
@pytest.mark.parametrize("size", [0, 64 * 1024 + 1])
def test_their_passphrase_files_open_with_ours(size):
    plaintext = _plaintext(size)
    from_go = _with_tty([AGE, "-p", "-o", "-"], PASSPHRASE, lines=2, stdin=plaintext)
    from_pyrage = pyrage.passphrase.encrypt(plaintext, PASSPHRASE)
    identity = ScryptIdentity(PASSPHRASE)
    assert _open_ours(from_go, [identity]) == plaintext
    assert _open_ours(from_pyrage, [identity]) == plaintext


@needs_age
def test_the_default_work_factor_is_go_ages_and_opens_there(tmp_path):
    sealed = _ours(b"default work factor", [ScryptRecipient(PASSPHRASE)])
    assert b"\n-> scrypt " in sealed and sealed.split(b"\n")[1].endswith(b" 18")
    path = tmp_path / "p.age"
    path.write_bytes(sealed)
    assert _with_tty([AGE, "-d", str(path)], PASSPHRASE, lines=1) == b"default work factor"


def test_generated_keys_round_trip_through_their_text_forms():
    identity = X25519Identity.generate()
    again = X25519Identity.parse(identity.text)
    assert again.recipient == identity.recipient
    assert X25519Recipient.parse(identity.recipient.text) == identity.recipient
    assert identity.recipient.text.startswith("age1") and len(identity.recipient.text) == 62
    assert "AGE-SECRET" not in repr(identity)
