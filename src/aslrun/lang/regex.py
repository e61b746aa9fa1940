"""Regular expressions that cannot blow up: JSONata regex literals and JSONPath ``=~`` filters.

A backtracking engine (Python's ``re``) takes exponential time on patterns with nested
quantifiers: ``(a+)+b`` against 41 ``a``\\s runs for minutes. Patterns are therefore compiled
with RE2 (``google-re2``), which matches in time linear in the subject, whatever the pattern.

RE2 has no lookaround and no backreferences. A pattern that needs them falls back to ``re``
only when it cannot backtrack exponentially (no quantified group that itself contains a
quantifier or an alternation) and only on subjects of at most
:data:`MAX_BACKTRACKING_SUBJECT` characters; otherwise it is refused with
:class:`UnsafePatternError` when the expression is compiled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Final

import re2

__all__ = [
    "MAX_BACKTRACKING_SUBJECT",
    "SafePattern",
    "UnsafePatternError",
    "compile_safe",
]

MAX_BACKTRACKING_SUBJECT: Final = 10_000
"""Longest text a lookaround/backreference pattern (run by ``re``) may be matched against."""


class UnsafePatternError(ValueError):
    """A pattern that does not compile, or that only a backtracking engine could run and
    whose shape could take exponential time."""


_GROUP_REFERENCE: Final = re.compile(r"\\g<(\d+)>")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class SafePattern:
    """A compiled pattern with the ``re.Pattern`` methods JSONata and JSONPath use."""

    __slots__ = ("_pattern", "backtracking", "groups", "pattern")

    def __init__(self, pattern: str, compiled: Any, *, backtracking: bool) -> None:
        self.pattern = pattern
        self._pattern = compiled
        self.groups: int = compiled.groups
        self.backtracking = backtracking

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r})"

    def _subject(self, string: str) -> str:
        if not self.backtracking:
            # RE2 reads UTF-8, which has no lone surrogates: each becomes U+FFFD (one code
            # point for one, so match positions are unchanged).
            if not string.isascii() and _SURROGATE.search(string):
                return _SURROGATE.sub("\ufffd", string)
            return string
        if len(string) > MAX_BACKTRACKING_SUBJECT:
            raise UnsafePatternError(
                f"the regular expression /{self.pattern}/ uses lookaround or backreferences, "
                f"which aslrun runs only on text of at most {MAX_BACKTRACKING_SUBJECT} "
                f"characters; this text has {len(string)}"
            )
        return string

    def search(self, string: str, *args: int) -> Any:
        return self._pattern.search(self._subject(string), *args)

    def match(self, string: str, *args: int) -> Any:
        return self._pattern.match(self._subject(string), *args)

    def fullmatch(self, string: str) -> Any:
        return self._pattern.fullmatch(self._subject(string))

    def finditer(self, string: str, *args: int) -> Iterator[Any]:
        return iter(self._pattern.finditer(self._subject(string), *args))

    def split(self, string: str, maxsplit: int = 0) -> list[Any]:
        return list(self._pattern.split(self._subject(string), maxsplit))

    def sub(self, repl: str | Callable[[Any], str], string: str, count: int = 0) -> str:
        if isinstance(repl, str):
            self._check_references(repl)
        return str(self._pattern.sub(repl, self._subject(string), count))

    def _check_references(self, repl: str) -> None:
        # RE2 says only "bad group index"; callers (jsonata-python) read ``re``'s wording.
        for m in _GROUP_REFERENCE.finditer(repl):
            if int(m.group(1)) > self.groups:
                raise re.error(f"invalid group reference {m.group(1)} at position {m.start() + 1}")


def _re2_options(ignore_case: bool) -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern to stderr
    options.case_sensitive = not ignore_case
    return options


def compile_safe(
    pattern: str, *, ignore_case: bool = False, multiline: bool = False
) -> SafePattern:
    """Compile ``pattern``; raise :class:`UnsafePatternError` if it is invalid or unsafe."""
    text = f"(?m){pattern}" if multiline else pattern
    try:
        return SafePattern(
            pattern, re2.compile(text, _re2_options(ignore_case)), backtracking=False
        )
    except (re2.error, UnicodeEncodeError):
        pass  # lookaround, backreferences, a lone surrogate, or not a pattern: see below
    try:
        compiled = re.compile(
            pattern, (re.IGNORECASE if ignore_case else 0) | (re.M if multiline else 0)
        )
    except (re.error, OverflowError, RecursionError) as exc:
        raise UnsafePatternError(f"Invalid regular expression: /{pattern}/: {exc}") from None
    problem = _exponential_shape(pattern)
    if problem is not None:
        raise UnsafePatternError(
            f"the regular expression /{pattern}/ needs a backtracking engine (lookaround or "
            f"backreferences) and {problem}, which can take exponential time"
        )
    return SafePattern(pattern, compiled, backtracking=True)


_UNBOUNDED_BRACES: Final = re.compile(r"\{(\d*),(\d*)\}|\{(\d+)\}")


def _quantifier_at(pattern: str, i: int) -> tuple[bool, int]:
    """(is it a repeating quantifier, its length) for the text at ``i``."""
    if i >= len(pattern):
        return False, 0
    ch = pattern[i]
    if ch in "*+":
        return True, 1
    if ch == "?":
        return False, 1
    if ch == "{":
        m = _UNBOUNDED_BRACES.match(pattern, i)
        if m is None:
            return False, 0
        if m.group(3) is not None:
            return int(m.group(3)) > 1, m.end() - i
        high = m.group(2)
        return (not high or int(high) > 1), m.end() - i
    return False, 0


def _exponential_shape(pattern: str) -> str | None:
    """Why ``pattern`` could backtrack exponentially (a repeated group that contains a
    repetition or an alternation), or None."""
    stack: list[list[bool]] = [[False, False]]  # per open group: [repeats inside, has '|']
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            continue
        if ch == "(":
            stack.append([False, False])
        elif ch == "|":
            stack[-1][1] = True
        elif ch == ")" and len(stack) > 1:
            inner_repeats, inner_alternates = stack.pop()
            repeats, length = _quantifier_at(pattern, i + 1)
            if repeats and (inner_repeats or inner_alternates):
                return "repeats a group that itself repeats or alternates"
            stack[-1][0] = stack[-1][0] or inner_repeats or repeats
            i += 1 + length
            continue
        else:
            repeats, length = _quantifier_at(pattern, i)
            if length:
                stack[-1][0] = stack[-1][0] or repeats
                i += length
                continue
        i += 1
    return None


def _class_end(pattern: str, start: int) -> int:
    """The offset just past the character class opening at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1
