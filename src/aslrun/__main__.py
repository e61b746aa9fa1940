"""``python -m aslrun``: the same as the ``aslrun`` command."""

from __future__ import annotations

from aslrun.cli.app import main

raise SystemExit(main())
