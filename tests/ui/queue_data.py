"""Real ``Item`` and ``Preview`` values for GUI tests that need no workspace: synthetic, neutral data.

Pictures are Pillow drawings (bands of colour, shapes, a checkerboard) so blur and greyscale have
something to remove; items carry real digests of made-up bytes.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw

from desktop_app.core.domain.items import Digests, IntakeOutcome, Item, ItemKind, ItemSource, ReviewState
from desktop_app.core.domain.media import MediaAnalysis, MediaKind, PdqHash, Preview, RenderProblem, VideoFrameHash

BASE_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def drawing(width: int = 160, height: int = 120, seed: int = 0) -> Image.Image:
    """A busy, colourful test card: saturated bands, a checkerboard and shapes."""
    image = Image.new("RGB", (width, height), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    colours = [(220, 40, 40), (40, 180, 60), (40, 70, 220), (240, 200, 20), (200, 40, 200)]
    band = max(1, width // len(colours))
    for n, colour in enumerate(colours):
        rotated = colours[(n + seed) % len(colours)]
        draw.rectangle([n * band, 0, (n + 1) * band, height // 2], fill=rotated if seed else colour)
    cell = 8
    for y in range(height // 2, height, cell):
        for x in range(0, width, cell):
            if (x // cell + y // cell + seed) % 2:
                draw.rectangle([x, y, x + cell - 1, y + cell - 1], fill=(10, 10, 10))
    draw.ellipse([width // 3, height // 4, width // 3 + height // 2, height // 4 + height // 2], fill=(0, 160, 200))
    return image


def preview_of(image: Image.Image, label: str = "") -> Preview:
    rgb = image.convert("RGB")
    return Preview(rgb.width, rgb.height, rgb.tobytes(), label)


def digests_of(content: bytes) -> Digests:
    return Digests(
        hashlib.md5(content).hexdigest(), hashlib.sha1(content).hexdigest(), hashlib.sha256(content).hexdigest()
    )


def source(name: str, n: int = 0, **fields) -> ItemSource:
    return ItemSource(
        source_id=f"src-{n:06d}",
        added_at=BASE_TIME + timedelta(minutes=n),
        path=f"/imports/batch/{name}".encode(),
        original_name=name.encode(),
        **fields,
    )


def image_item(n: int, quality: int = 90, state: ReviewState = ReviewState.NEW, viewed: bool = False) -> Item:
    content = f"synthetic picture {n}".encode()
    analysis = MediaAnalysis(
        kind=MediaKind.IMAGE,
        format="PNG",
        width=160,
        height=120,
        pdq=PdqHash(hashlib.sha256(content).hexdigest(), quality),
        exif=(("Make", "Test Camera"), ("DateTimeOriginal", "2026:03:01 10:00:00")),
    )
    return Item(
        item_id=f"item-{n:06d}",
        kind=ItemKind.FILE,
        state=state,
        added_at=BASE_TIME + timedelta(seconds=n),
        outcome=IntakeOutcome.OK,
        sources=(source(f"picture-{n:04d}.png", n, uploader_screen_name=f"account{n % 7}"),),
        blob_id=f"blob-{n:06d}",
        size=1000 + n * 37,
        digests=digests_of(content),
        analysis=analysis,
        viewed=viewed,
    )


def video_item(n: int) -> Item:
    content = f"synthetic video {n}".encode()
    frames = tuple(
        VideoFrameHash(i * 25, 80, hashlib.sha256(content + bytes([i])).hexdigest(), float(i)) for i in range(4)
    )
    return Item(
        item_id=f"item-{n:06d}",
        kind=ItemKind.FILE,
        state=ReviewState.NEW,
        added_at=BASE_TIME + timedelta(seconds=n),
        outcome=IntakeOutcome.OK,
        sources=(source(f"clip-{n:04d}.mp4", n),),
        blob_id=f"blob-{n:06d}",
        size=250_000 + n,
        digests=digests_of(content),
        analysis=MediaAnalysis(
            kind=MediaKind.VIDEO,
            format="mov,mp4,m4a,3gp,3g2,mj2",
            width=320,
            height=240,
            duration_s=4.0,
            frame_count=100,
            vpdq=frames,
        ),
    )


def broken_item(n: int) -> Item:
    content = f"truncated picture {n}".encode()
    return Item(
        item_id=f"item-{n:06d}",
        kind=ItemKind.FILE,
        state=ReviewState.NEW,
        added_at=BASE_TIME + timedelta(seconds=n),
        outcome=IntakeOutcome.OK,
        sources=(source(f"damaged-{n:04d}.jpg", n),),
        blob_id=f"blob-{n:06d}",
        size=4096,
        digests=digests_of(content),
        analysis=MediaAnalysis(
            kind=MediaKind.IMAGE,
            format="JPEG",
            problem=RenderProblem.TRUNCATED,
            problem_detail="image file is truncated",
        ),
    )


def text_item(n: int) -> Item:
    content = f"transcript {n}".encode()
    return Item(
        item_id=f"item-{n:06d}",
        kind=ItemKind.TEXT,
        state=ReviewState.IN_REVIEW,
        added_at=BASE_TIME + timedelta(seconds=n),
        outcome=IntakeOutcome.OK,
        sources=(ItemSource(f"src-{n:06d}", BASE_TIME, original_name=b"chat transcript", message_id="msg-77"),),
        blob_id=f"blob-{n:06d}",
        size=len(content),
        digests=digests_of(content),
    )


def link_item(n: int) -> Item:
    return Item(
        item_id=f"item-{n:06d}",
        kind=ItemKind.LINK,
        state=ReviewState.NEW,
        added_at=BASE_TIME + timedelta(seconds=n),
        outcome=IntakeOutcome.NOT_READ_LINK,
        sources=(source(f"shortcut-{n}", n),),
        link_target=b"../elsewhere/target.png",
    )


def mixed_items(count: int = 40) -> list[Item]:
    """Mostly pictures, with a video, a text item, a link and an item that cannot render."""
    makers = {5: video_item, 11: text_item, 17: link_item, 23: broken_item}
    return [makers.get(n, image_item)(n) for n in range(count)]
