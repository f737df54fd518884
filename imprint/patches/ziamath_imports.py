"""ziamath 0.13: two parts of ziamath that drawing MathML never uses loaded when
first used, not whenever ziamath is imported: its expression of named
characters, and its conversion from LaTeX.

Version: ziamath 0.13 exactly (VERSION; check_versions() refuses another).

What goes wrong: importing ziamath (0.12 to 0.2 s of CPU in every process that
draws formulas: both parts of a build whose formulas are not yet in the cache,
each on its own path) does two things that drawing Imprint's MathML never needs.
ziamath/escapes.py compiles one regular expression of the 2,079 keys of its table
of named characters (`&alpha;`... and four pairs of ASCII characters), which
`Math()` runs over a formula given as text; Imprint gives it an element
(body/formulas.py), Pandoc's MathML holding the characters themselves. And
ziamath/tex.py imports latex2mathml, for `Math.fromlatex()`, which Imprint does
not call (Pandoc converts the TeX): latex2mathml imports importlib.metadata, and
xml.sax.saxutils, which imports urllib.request, http.client and ssl. Measured
(2026-12-07, 2 cores, fresh processes, `-X importtime` and CPU time): the
expression 27 to 50 ms (63 to 76 ms of CPU on 2026-12-08), latex2mathml 20 to 50 ms.

The patch: before ziamath is imported, `ziamath.escapes` and `ziamath.tex` are
modules of this patch's. Their functions hand each call to ziamath's own module,
loaded from its file at the first call (the operator names ziamath declares as
it is imported are declared to it then); whatever else is asked of them is
ziamath's own module's. So the same characters, the same drawings.

Test that fails without it:
tests/test_patches.py::test_ziamath_loads_what_drawing_mathml_does_not_need_only_when_asked

Upstream: to be filed; docs/upstream.md#ziamath-work-done-at-import-that-mathml-does-not-need.
"""

from __future__ import annotations

import functools
import sys
from types import ModuleType
from typing import Any

DISTRIBUTION = "ziamath"
VERSION = "0.13"
UPSTREAM = "docs/upstream.md#ziamath-work-done-at-import-that-mathml-does-not-need"

_own: dict[str, ModuleType] = {}  # ziamath's own modules, by name, once a call needed one
_declared: list[str] = []  # the operator names declared before ziamath's tex.py was loaded


def unescape(xmlstr: str) -> str:
    return own("ziamath.escapes").unescape(xmlstr)


def tex2mml(*args: Any, **kwargs: Any) -> str:
    return own("ziamath.tex").tex2mml(*args, **kwargs)


def declareoperator(name: str) -> None:
    """An operator name declared for the conversion from LaTeX: kept until it is
    loaded (ziamath's __init__ declares four Russian ones, `\\tg`...), then its."""
    if "ziamath.tex" in _own:
        _own["ziamath.tex"].declareoperator(name)
    else:
        _declared.append(name)


# The modules this patch's stand for, with the functions ziamath imports from them.
STANDING_IN = {"ziamath.escapes": (unescape,), "ziamath.tex": (tex2mml, declareoperator)}


def own(name: str) -> ModuleType:
    """ziamath's own module `name`, loaded from its file (not under its name,
    which this patch's module stands for)."""
    if name not in _own:
        from importlib.machinery import PathFinder
        from importlib.util import module_from_spec

        import ziamath

        spec = PathFinder.find_spec(name, ziamath.__path__)
        module = module_from_spec(spec)
        spec.loader.exec_module(module)  # (its relative imports: its __package__ is ziamath)
        _own[name] = module
        for operator in _declared if name == "ziamath.tex" else ():
            module.declareoperator(operator)  # (in the order declared, as if it had been loaded first)
    return _own[name]


def _attribute(name: str, attribute: str) -> Any:
    """What else a stand-in is asked for (ESCAPES, regex...): ziamath's own."""
    if attribute.startswith("__"):
        raise AttributeError(attribute)
    return getattr(own(name), attribute)


def apply() -> None:
    """Before ziamath is imported (imprint.patches.import_ziamath): this patch's
    modules stand for ziamath's. Afterwards there is nothing to spare."""
    if "ziamath" in sys.modules or any(name in sys.modules for name in STANDING_IN):
        return
    for name, functions in STANDING_IN.items():
        module = ModuleType(name, f"Stands for ziamath's {name} (imprint/patches/ziamath_imports.py).")
        for function in functions:
            setattr(module, function.__name__, function)
        module.__getattr__ = functools.partial(_attribute, name)
        sys.modules[name] = module


def attach(package: ModuleType) -> None:
    """Once ziamath is imported: the stand-ins as its attributes, as its own
    submodules are once imported (`ziamath.tex.tex2mml`); an import that finds a
    module in sys.modules does not set it on the package."""
    for name in STANDING_IN:
        if sys.modules.get(name) is not None and not hasattr(package, name.rsplit(".", 1)[1]):
            setattr(package, name.rsplit(".", 1)[1], sys.modules[name])


def applied() -> bool:
    """Whether this patch's modules stand for ziamath's, or it is too late for
    that: ziamath's own were imported first (a test that imported ziamath)."""
    return all(name in sys.modules for name in STANDING_IN)
