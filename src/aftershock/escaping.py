"""Make text from an input safe to show: every control character becomes a visible escape.

Inputs are written by others (a vendor's template, a colleague's model, production traces), and a
terminal obeys what it is sent: ``ESC ] 52`` writes the clipboard, ``ESC [ 2 J`` clears the
screen, ``ESC ] 8`` makes links, a bare ``CR`` overwrites the line. So nothing read from an input
reaches an output with a control character intact. Every writer (the terminal console, stderr,
Markdown, JSON, generated models, files written with ``-o``) passes its text through
``escape_controls`` once, at the output boundary, instead of each call site remembering to.

A control is written ``\\u001b``: readable in a terminal and in Markdown, and a valid escape
inside a JSON or YAML double-quoted string, so escaping a whole JSON document keeps it JSON.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Directional marks and overrides: they make text read differently from how it is stored."""
_NOT_TEXT = "\ud800-\udfff\ufffe\uffff"
"""Lone surrogates (JSON's "\\ud800" decodes to one; no encoder writes it) and the two
noncharacters YAML refuses."""
_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_NOT_TEXT}]")
"""C0 (NUL to US, ESC among them), DEL, C1 (CSI 0x9b and OSC 0x9d among them), the Unicode line
and paragraph separators, the bidirectional controls, and what is not text at all."""
_CONTROLS_KEEPING_NEWLINE = re.compile(
    f"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_NOT_TEXT}]"
)


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Return ``text`` with every control character written as a visible ``\\uXXXX`` escape.

    With ``keep_newlines`` (the default, for whole documents) line feeds stay; without it (one
    line of a comment, a single value) they are escaped too. Everything else that is not a
    control (letters of any script, emoji, backslashes) is returned unchanged."""
    pattern = _CONTROLS_KEEPING_NEWLINE if keep_newlines else _CONTROLS
    return pattern.sub(_visible, text)


def has_controls(text: str, *, newlines_allowed: bool = False) -> bool:
    """Return whether ``text`` holds a character ``escape_controls`` would escape."""
    pattern = _CONTROLS_KEEPING_NEWLINE if newlines_allowed else _CONTROLS
    return pattern.search(text) is not None
