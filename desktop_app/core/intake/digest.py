"""MD5, SHA-1 and SHA-256 of a file in one read, without a workspace (the ``hash`` command).

The same reader and digest layout as the intake, minus the vault: what ``evidence-desk hash``
prints is what an import would record.
"""

from desktop_app.core.domain.items import Digests
from desktop_app.core.hashing.parallel import INTAKE_GROUPS, ParallelDigests
from desktop_app.core.intake.reading import CHUNK_SIZE, DEFAULT_MAX_FILE_SIZE, ReadFacts, SafeFile
from desktop_app.core.progress import CancelToken


def digest_file(
    path: bytes, max_size: int = DEFAULT_MAX_FILE_SIZE, cancel: CancelToken | None = None
) -> tuple[Digests, ReadFacts]:
    """Digest a regular file read once; raises ``NotReadable`` for anything else."""
    digests = ParallelDigests(INTAKE_GROUPS)
    try:
        with SafeFile(path, max_size) as source:
            while chunk := source.read(CHUNK_SIZE):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                digests.update(chunk)
            facts = source.finish()
    finally:
        digests.close()
    values = digests.hexdigests()
    return Digests(values["md5"], values["sha1"], values["sha256"]), facts
