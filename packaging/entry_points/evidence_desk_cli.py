"""Frozen entry point of ``evidence-desk`` (the command line); PyInstaller starts here."""

import multiprocessing

# First: a decoder worker started by ``evidence-desk hash`` is this executable again (see the
# GUI's entry point for why).
multiprocessing.freeze_support()

from desktop_app.cli.main import main  # noqa: E402 - after freeze_support, on purpose

raise SystemExit(main())
