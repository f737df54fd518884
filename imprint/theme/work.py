"""The work of one rendering of a template, counted in the sandbox (jinja.py),
so that a template that runs away (loops within loops, a macro that calls itself
twice, a text doubled again and again, a long text written in a loop) stops with
an error naming the template and line, within seconds, and not at the unit's
--time-limit (or when the memory runs out).

Counted: turns of loops and calls (MAX_STEPS), and characters written or made
(MAX_CHARACTERS). The compiled code counts them (WorkCounter changes the
template's tree before Jinja compiles it, with Jinja's own node types): a loop
charges its turns, and the text its body writes, before it starts; a macro's,
a `call` block's, a block's and a template's body, the text it writes each
time it runs; `~` what it makes; each {{ value }} its size (Environment.finalize).
The sandbox counts its calls, `*`, `+` and `%`, and its filters what they make.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Iterable, Iterator

import jinja2
import jinja2.compiler
import jinja2.nodes as nodes
import jinja2.runtime

# The work one rendering may do (a page, or one call of a macro from Python; the
# templates it includes and imports count with it): turns of loops and calls, and
# characters (or items) written or made: its own text each time it is written,
# each {{ value }}, what `*`, `+`, `~`, `%`, a filter, a macro or a method makes.
# A turn takes Jinja one to a few microseconds: a runaway template stops within
# seconds, long before --time-limit, having made at most a few hundred MB. Imprint's
# own templates take far less (README, Limits): the site's index of 1,000 articles
# 3,000 turns, the print edition of a 120,000-word article 1.4 million characters.
MAX_STEPS = 1_000_000
MAX_CHARACTERS = 100_000_000
WORK_FILTER = "imprint_work"  # (the filter the compiled code counts its loops and bodies with)


class TooMuchWork(jinja2.TemplateRuntimeError):
    """A rendering past one of its limits: `most` `what`."""

    def __init__(self, what: str, most: int, hint: str):
        self.what, self.most, self.hint = what, most, hint
        super().__init__(f"the rendering was stopped here, past {most:,} {what}")


class _Work:
    """What is left of a rendering's work (MAX_STEPS, MAX_CHARACTERS)."""

    __slots__ = ("steps", "characters", "most_steps", "most_characters")

    def __init__(self, steps: int, characters: int):
        self.steps = self.most_steps = steps
        self.characters = self.most_characters = characters

    def stop(self) -> None:
        if self.steps < 0:
            raise TooMuchWork("turns of loops and calls", self.most_steps,
                              "look for loops within loops, or a macro that calls itself more than once")
        raise TooMuchWork("characters written or made", self.most_characters,
                          "look for a text added to itself again and again, or a long text written in a loop")


current: ContextVar[_Work | None] = ContextVar("imprint_template_work", default=None)


class bounded_work:
    """One rendering's work counted (a rendering within one, a macro's template
    compiled while a page is, counts against the outer one). A class, not a
    generator: it is entered for every note's call."""

    __slots__ = ("token",)

    def __init__(self) -> None:
        self.token = None

    def __enter__(self) -> None:
        if current.get() is None:
            self.token = current.set(_Work(MAX_STEPS, MAX_CHARACTERS))

    def __exit__(self, *exc: object) -> None:
        if self.token is not None:
            current.reset(self.token)


SIZED = (str, list, tuple, dict)  # (a Markup is a str)

# The counting below is written out in each function, not called: it runs for
# every value written, every call and every filter.


def made(value: Any) -> Any:
    """`value`, its size counted."""
    work = current.get()
    if work is not None:
        work.characters -= len(value) if isinstance(value, SIZED) else 1
        if work.characters < 0:
            work.stop()
    return value


@jinja2.pass_context  # (a filter given the context is never run at compile time, where nothing counts)
def work_filter(context: jinja2.runtime.Context, value: Any, written: int, per_item: bool = False) -> Any:
    """What the compiled code counts with (WorkCounter): a turn and the
    characters `written` for a body (a macro's, a block's, a template's, a
    recursive loop's turn), or, `per_item`, for each item of a loop's iterable,
    counted before the loop when it has a length (nothing a turn), else as each
    comes."""
    work = current.get()
    if work is None:
        return value
    if per_item and not hasattr(value, "__len__"):
        return _counted(value, work, written)
    turns = len(value) if per_item else 1
    work.steps -= turns
    work.characters -= turns * written
    if work.steps < 0 or work.characters < 0:
        work.stop()
    return value


def _counted(iterable: Iterable[Any], work: _Work, written: int) -> Iterator[Any]:
    for item in iterable:
        work.steps -= 1
        work.characters -= written
        if work.steps < 0 or work.characters < 0:
            work.stop()
        yield item


@jinja2.pass_context  # (so that no {{ value }} is made text at compile time, uncounted: Jinja 3.1 compiler)
def finalize(context: jinja2.runtime.Context, value: Any) -> Any:
    """Each {{ value }} written: counted by its size (written again and again,
    even a value given to the template is copied each time)."""
    work = current.get()
    if work is not None:
        work.characters -= len(value) if isinstance(value, str) or isinstance(value, SIZED) else 1
        if work.characters < 0:
            work.stop()
    return value


class WorkCounter(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, counting the work of what it compiles: each body
    that can run again and again (a loop's, a macro's, a `call` block's, a
    block's, the template's own) is charged, each time it runs, the text it
    writes; a loop charges its turns before it starts; `~` charges what it makes.
    (The tree is changed, with Jinja's own node types, before Jinja 3.1
    compiles it.)"""

    def visit_Template(self, node: nodes.Template, frame: Any = None) -> None:
        for body in (node, *node.find_all((nodes.For, nodes.Macro, nodes.CallBlock, nodes.Block))):
            self._count(body)
        super().visit_Template(node, frame)

    def _count(self, body: nodes.Node) -> None:
        written = _written(body.body)
        if isinstance(body, nodes.For):
            # (a recursive loop runs again by loop(items), a call, which counts the items: each turn pays for itself)
            body.iter = self._work(body.iter, 0 if body.recursive else written, per_item=True)
            if not body.recursive:
                return
        elif not written:
            return  # (nothing to count: its call counts 1, and the template and a block run once a rendering)
        body.body.insert(0, nodes.ExprStmt(self._work(nodes.Const(None), written), lineno=body.lineno))

    def _work(self, value: nodes.Expr, written: int, per_item: bool = False) -> nodes.Filter:
        args = [nodes.Const(written)] + ([nodes.Const(True)] if per_item else [])
        node = nodes.Filter(value, WORK_FILTER, args, [], None, None, lineno=value.lineno or 1)
        return node.set_environment(self.environment)

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        self.write("environment.made(")
        super().visit_Concat(node, frame)
        self.write(")")


def _written(body: list[nodes.Node]) -> int:
    """The characters of template text in `body`, but those of the bodies in it
    that count themselves (every branch of an `if`: it may be either)."""
    total = 0
    for node in body:
        if isinstance(node, nodes.TemplateData):
            total += len(node.data)
        elif isinstance(node, nodes.For):
            total += _written(node.else_)
        elif not isinstance(node, (nodes.Macro, nodes.CallBlock, nodes.Block)):
            total += _written(list(node.iter_child_nodes()))
    return total
