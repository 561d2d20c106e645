"""Frozen entry point of ``evidence-desk-gui`` (the desktop app); PyInstaller starts here."""

import multiprocessing

# First, before anything heavy is imported: a decoder worker is this same executable started by
# multiprocessing's "spawn"; freeze_support() runs the worker's job loop and exits, so a worker
# never imports Qt or opens a window. (PyInstaller's multiprocessing hook makes this work on every
# platform, not only Windows.)
multiprocessing.freeze_support()

from desktop_app.app import main  # noqa: E402 - after freeze_support, on purpose

raise SystemExit(main())
