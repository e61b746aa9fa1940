"""The small languages inside a definition, compiled once at load: JSONPath (with the
Jayway forms AWS accepts), intrinsic functions, JSONata (AWS's dialect, bounded), Choice
rules, value-path-or-expression fields (``Dynamic``) and payload templates."""

from __future__ import annotations
