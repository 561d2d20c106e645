"""``python -m desktop_app``: start the desktop app (everything happens in ``app.main``)."""

from desktop_app.app import main

raise SystemExit(main())
