"""Render the app icon for the installers: ``python packaging/generate.py OUT_DIR`` (in the build env).

From ``resources/icons/evidence-desk.svg`` (the one source) it writes ``OUT_DIR/icons/``:
``hicolor/<N>x<N>/apps/evidence-desk.png`` for the freedesktop sizes (the .deb), and
``evidence-desk.ico`` (Windows: EXE and installer) and ``evidence-desk.icns`` (macOS). Qt renders
the SVG (offscreen, no display needed); Pillow writes the multi-size .ico and .icns.
"""

import sys
from io import BytesIO
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SOURCE = Path(__file__).resolve().parent.parent / "resources" / "icons" / "evidence-desk.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    """The SVG drawn at ``size`` x ``size`` pixels, as a Pillow RGBA image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(BytesIO(bytes(data))).convert("RGBA")


def main(out_dir: Path) -> int:
    """Write every icon file under ``out_dir/icons``."""
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"generate: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 1
    icons = out_dir / "icons"
    images = {size: render(renderer, size) for size in sorted({*HICOLOR_SIZES, *ICO_SIZES, *ICNS_SIZES})}
    for size in HICOLOR_SIZES:
        target = icons / "hicolor" / f"{size}x{size}" / "apps" / "evidence-desk.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        images[size].save(target)
    # Each size drawn from the vector, not scaled down from the largest, so small icons stay sharp.
    images[256].save(
        icons / "evidence-desk.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != 256],
    )
    images[1024].save(icons / "evidence-desk.icns", append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
