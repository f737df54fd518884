"""The methods Python 3.11 writes for dataclasses, compiled once at set-up
instead of at every start.

For each dataclass, Python 3.11 writes the source text of its methods
(__init__, __repr__, __eq__, __hash__, and for a frozen one __setattr__ and
__delattr__) and compiles each: 0.4 to 1.7 ms a class, some 35 ms for the
classes a one-article build defines before its first page is made, most of it
compiling the same text as the run before (Python 3.13 compiles them together,
which is faster). Here the compiled code is kept in imprint/__pycache__ by that
text, as a .pyc file keeps a module's code: the same text compiles to the same
code, so a class is made exactly as without the cache.

`python -m imprint.dataclass_cache` writes the file (scripts/setup.sh, once
Imprint's modules are compiled); publish.py calls install() before anything
defines a dataclass. Imprint used as a library is not affected. Another Python
version, a missing or unreadable file, a text not in it: compiled as usual.
"""

# (No `from __future__ import annotations`: what this module compiles must not
# inherit its future flags. Each compile here says dont_inherit=True anyway.)

import builtins
import dataclasses
import importlib
import importlib.util
import marshal
import pkgutil
import sys
from pathlib import Path

FILE = Path(__file__).resolve().parent / "__pycache__" / f"dataclasses.{sys.implementation.cache_tag}.marshal"
# What dataclasses does the way this module expects (it calls exec on each method's text).
SUPPORTED = (3, 11)

_compiled: dict = {}


def install(file: Path = FILE) -> bool:
    """Have dataclasses use the compiled methods in `file`. True if it now does."""
    if sys.version_info[:2] != SUPPORTED or "exec" in vars(dataclasses):
        return False
    try:
        magic, table = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if magic != importlib.util.MAGIC_NUMBER or not isinstance(table, dict):
        return False
    _compiled.update(table)
    # dataclasses calls exec() from its own module: a global of that name is
    # found before the built-in one.
    dataclasses.exec = _exec
    return True


def _exec(source, globals=None, locals=None):
    if isinstance(source, str):
        source = _compiled.get(source) or compile(source, "<string>", "exec", dont_inherit=True)
    builtins.exec(source, globals, locals)


def write(file: Path = FILE, modules: tuple[str, ...] = ()) -> int:
    """Compile the methods of every dataclass that Imprint's modules (and `modules`)
    define when imported, and keep them in `file`. Returns how many."""
    if sys.version_info[:2] != SUPPORTED:
        return 0
    made: dict = {}

    def record(source, globals=None, locals=None):
        code = compile(source, "<string>", "exec", dont_inherit=True)
        if isinstance(source, str):
            made[source] = code
        builtins.exec(code, globals, locals)

    # Run in a process of its own (python -m): a module imported before this
    # point is not imported again, and its classes are not recorded.
    dataclasses.exec = record
    try:
        package = importlib.import_module(__package__)
        for name in [info.name for info in pkgutil.walk_packages(package.__path__, f"{__package__}.")] + list(modules):
            importlib.import_module(name)
    finally:
        del dataclasses.exec
    file.parent.mkdir(exist_ok=True)
    from .output import write_atomic

    write_atomic(file, marshal.dumps((importlib.util.MAGIC_NUMBER, made)))
    return len(made)


def stale(file: Path = FILE) -> bool:
    """Whether `file` is missing or older than one of Imprint's modules."""
    try:
        made = file.stat().st_mtime
    except OSError:
        return True
    return any(module.stat().st_mtime > made for module in Path(__file__).parent.rglob("*.py"))


if __name__ == "__main__":  # python -m imprint.dataclass_cache [--if-stale]
    if "--if-stale" not in sys.argv[1:] or stale():
        from .press import WORK

        # What the press loads for its trades, besides Imprint's modules.
        extra = tuple(m for _, (module, _, warm) in sorted(WORK.items()) for m in (module, *warm))
        try:
            print(f"{write(modules=extra)} dataclass methods compiled into {FILE}")
        except OSError as error:  # a read-only installation: Imprint starts as it would without
            print(f"dataclass methods not kept: {error}", file=sys.stderr)
