"""The terminal's output boundary: every segment rich writes passes ``escape_controls``.

Reporters escape rich markup where they build text; control characters are caught here, once,
after layout, whatever renderable carried them (a table cell, a causal chain, an error). The
colours and styles rich adds are not text, so they pass untouched.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.segment import Segment

from aftershock.escaping import escape_controls


class _Escaped:
    """A renderable whose text segments come out with control characters escaped."""

    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.inner, options):
            if segment.control:
                yield segment  # rich's own cursor and screen codes, not text
            else:
                yield Segment(escape_controls(segment.text), segment.style)


class EscapeControls(RenderHook):
    """A render hook that escapes every control character of everything a console prints."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Escaped(r) for r in renderables]


def safe_console(console: Console) -> Console:
    """Return ``console`` with control characters escaped in all it prints from now on."""
    console.push_render_hook(EscapeControls())
    return console


@contextmanager
def escaped(console: Console) -> Iterator[Console]:
    """Escape control characters in what ``console`` prints inside the block (a library caller
    may pass any console; escaping twice changes nothing)."""
    console.push_render_hook(EscapeControls())
    try:
        yield console
    finally:
        console.pop_render_hook()


Result = TypeVar("Result")


def escaping(render: Callable[[Result, Console], None]) -> Callable[[Result, Console], None]:
    """Decorate a terminal reporter so whatever it prints is escaped (see ``escaped``)."""

    @functools.wraps(render)
    def wrapper(result: Result, console: Console) -> None:
        with escaped(console):
            render(result, console)

    return wrapper


__all__ = ["EscapeControls", "escaped", "escaping", "safe_console"]
