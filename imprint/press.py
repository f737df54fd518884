"""The press: a second process that serves a build whose units are rendered by
one worker at a time (one article, say: see jobs.py), so that a unit's work is
shared between two cores.

It is started as soon as the command line is read (with two cores or more),
waits for the word to go (go(): the build is not up to date), and warms up
while the build loads the rest of Imprint and reads the sources. It serves a
build with print editions: it loads WeasyPrint (about 0.4 s, as long again as
reading and preparing an article) and typesets the print jobs (typeset.Job) the
unit sends it: done side by side, the print edition is ready that much sooner.

What it makes is what the same function makes in the unit's own process: an
order the press does not serve (or with no press: `watch`, several workers
that each have a core) is carried out there, at once.

Orders are asynchronous: `order(...)` sends, `Order.result()` waits. Each has
a number of its own process's, and the press answers in order; an answer no
one waits for (a unit stopped at its time limit) is passed over.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import multiprocessing
import os
from typing import Any

TYPESETTING = "typeset"

# What each order runs, by module and function: the press imports the module
# (the build never needs to: typeset loads WeasyPrint), and what the function
# would import when first called, before the first order comes.
WORK = {
    "typeset": ("imprint.writers.typeset", "typeset", ()),
    "cover": ("imprint.writers.painter", "paint", ("PIL.ImageDraw", "PIL.ImageFont", "PIL.JpegImagePlugin")),
}

_press: "Press | None" = None
_numbers = itertools.count(1)


class Order:
    """Something the press makes (or this process made: `value` or `error` set)."""

    def __init__(self, press: "Press | None", number: tuple[int, int], value: Any = None,
                 error: BaseException | None = None) -> None:
        self._press, self._number = press, number
        self._value, self._error = value, error

    def result(self) -> Any:
        if self._press is not None:
            self._value, self._error = self._press.collect(self._number)
            self._press = None
        if self._error is not None:
            raise self._error
        return self._value


class Press:
    def __init__(self, serves: tuple[str, ...]) -> None:
        self.serves = serves
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.connection, serves), daemon=True,
                                       name="imprint-press")
        self.process.start()
        child.close()
        self._used = context.Value("b", 0, lock=False)  # shared: a unit's process may be the user
        self._answers: dict[tuple[int, int], tuple[Any, BaseException | None]] = {}

    @property
    def used(self) -> bool:
        return bool(self._used.value)

    def send(self, kind: str, args: tuple) -> Order:
        self._used.value = 1
        number = (os.getpid(), next(_numbers))  # a worker forked from this process counts on from the same
        self.connection.send((number, kind, args))
        return Order(self, number)

    def collect(self, number: tuple[int, int]) -> tuple[Any, BaseException | None]:
        while number not in self._answers:
            answered, value, error = self.connection.recv()
            if answered[0] == os.getpid():  # else ordered by a process that is gone
                self._answers[answered] = (value, error)
        return self._answers.pop(number)

    def go(self) -> None:
        self.connection.send(True)

    def stop(self) -> None:
        if not self.used:  # waiting or still loading, for nothing: no need to wait
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.connection.close()  # a press still sending an answer no one reads gets a broken pipe, and ends
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()


def order(kind: str, *args: Any) -> Order:
    """`kind`'s work (see WORK) on `args`: by the press if it serves it, else here and now."""
    if _press is not None and kind in _press.serves:
        return _press.send(kind, args)
    try:
        return Order(None, (0, 0), value=_work(kind)(*args))
    except Exception as error:  # raised where the result is asked for, as from the press
        return Order(None, (0, 0), error=error)


def serves(kind: str) -> bool:
    """Whether the press (if there is one) does `kind`'s work."""
    return _press is not None and kind in _press.serves


def _work(kind: str):
    module, name, _ = WORK[kind]
    return getattr(importlib.import_module(module), name)


def _serve(connection, parents_end, serves: tuple[str, ...]) -> None:
    from .writers import forget_layouts

    parents_end.close()  # so that the pipe ends (EOF) once no process of the build holds it

    try:
        if not connection.recv():  # go, or not (the build is up to date)
            return
    except EOFError:
        return
    for kind in serves:  # loaded now, while the build loads the rest
        for module in (WORK[kind][0], *WORK[kind][2]):
            importlib.import_module(module)
    forget_layouts()  # what the parent had laid out before it started the press is not for this build
    gc.freeze()  # what is loaded stays: the cycle collector need not look at it again
    typeset = False
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        number, kind, args = message
        if kind == TYPESETTING and typeset:
            gc.collect()  # what the last layout left in cycles, before the next (see jobs.py)
        typeset = typeset or kind == TYPESETTING
        try:
            answer = (number, _work(kind)(*args), None)
        except Exception as error:  # sent back, raised in the build
            answer = (number, None, error)
        try:
            connection.send(answer)
        except (BrokenPipeError, ConnectionResetError):  # the build has ended
            return
        except Exception as error:  # an answer that cannot be sent (pickled)
            connection.send((number, None, RuntimeError(f"{type(error).__name__}: {error}")))


def start(printed: bool) -> None:
    """Start the press (before the pipeline is imported, for the overlap): a
    typesetter, for a build with print editions (a build without has none: its
    cover is drawn in the unit, while Pandoc reads the next article's text)."""
    global _press
    if _press is None and printed:
        _press = Press((TYPESETTING,))


def go() -> None:
    """The build goes on: the press loads what its trade needs."""
    if _press is not None:
        _press.go()


def stop() -> None:
    global _press
    if _press is not None:
        _press.stop()
        _press = None


def current() -> Press | None:
    return _press


def detach() -> None:
    """In a forked worker: forget the press (its pipe is the parent's to use)."""
    global _press
    _press = None
