"""``python -m desktop_app.cli``: the command line (installed as ``evidence-desk``)."""

from desktop_app.cli.main import main

raise SystemExit(main())
