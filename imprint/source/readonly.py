"""A dict that cannot be changed: the models' mappings (front matter's extra
fields, a record's CSL fields, where each field was written).

A plain dict subclass, so that it pickles (a unit is sent to its worker whole:
building/executor.py), reads as JSON and in templates as a dict does; every method that
would change it raises TypeError.
"""

from __future__ import annotations

from typing import Any, NoReturn


class ReadOnlyDict(dict):
    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a ReadOnlyDict cannot be changed")

    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self):
        return (ReadOnlyDict, (dict(self),))

    def __hash__(self) -> int:  # (a dict is not hashable; a value that cannot change may be)
        return hash(frozenset(self.items()))
