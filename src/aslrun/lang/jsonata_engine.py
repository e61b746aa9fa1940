"""jsonata-python, imported without its side effect on the process.

jsonata-python calls ``sys.setrecursionlimit(10000)`` when it is imported. A library must not
change the process it is loaded into, so this module (the only place aslrun imports the
engine) puts the limit back; deep expressions fail as AWS's limit does (see ``jsonata.py``).
"""

from __future__ import annotations

import sys

_limit = sys.getrecursionlimit()

import jsonata as engine  # noqa: E402  (the import itself is what needs undoing)
from jsonata import functions, jexception, parser, utils  # noqa: E402  (as above)

sys.setrecursionlimit(_limit)

__all__ = ["engine", "functions", "jexception", "parser", "utils"]
