"""Stopping long work (an index build, an evaluation) once whoever asked for it has gone.

The caller wraps the work in ``cancellable(gone)``; the loops of that work call ``checkpoint()``,
which raises ``Cancelled`` when ``gone()`` says so. Outside ``cancellable`` a checkpoint costs a
context-variable read and never raises, so the CLI and the tests are unaffected.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

_GONE: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar("qa_cancel_gone", default=None)


class Cancelled(Exception):
    """The work was stopped at a checkpoint because its requester went away."""


@contextlib.contextmanager
def cancellable(gone: Callable[[], bool]) -> Iterator[None]:
    token = _GONE.set(gone)
    try:
        yield
    finally:
        _GONE.reset(token)


def checkpoint() -> None:
    gone = _GONE.get()
    if gone is not None and gone():
        raise Cancelled("stopped: whoever asked for this work has gone")
