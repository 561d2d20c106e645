"""Where the UI's pictures come from: an item's vault blob, decoded by the sandboxed decoder pool.

The one adapter between ``ItemService.encrypted_file`` + ``DecoderPool.previews`` and the
``PreviewFetcher`` the thumbnail loader and the viewer call on their worker threads. The blob's
path and key go to a decoder process, which decrypts in memory and sends back small RGB previews;
no plaintext ever touches the disk.
"""

from typing import Protocol

from desktop_app.core.domain.media import PreviewSet
from desktop_app.core.services.keys import EncryptedFile
from desktop_app.ui.thumbnails import PreviewFetcher


class BlobSource(Protocol):
    """The item service's part: an item's encrypted blob."""

    def encrypted_file(self, item_id: str) -> EncryptedFile: ...  # noqa: D102 - documented by the service


class PreviewDecoder(Protocol):
    """The decoder pool's part: bounded previews of an encrypted blob."""

    def previews(self, source: EncryptedFile, max_side: int = 256, keyframes: int = 9) -> PreviewSet: ...  # noqa: D102


def preview_fetcher(items: BlobSource, decoders: PreviewDecoder) -> PreviewFetcher:
    """A ``PreviewFetcher`` over the vault and the decoder pool (blocking: call it on a worker)."""

    def fetch(item_id: str, max_side: int, keyframes: int) -> PreviewSet:
        return decoders.previews(items.encrypted_file(item_id), max_side=max_side, keyframes=keyframes)

    return fetch
