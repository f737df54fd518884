"""Dataclass methods compiled at set-up (imprint/dataclass_cache.py): the classes
are the same with and without them, nothing is compiled again, and a file that
cannot be used is passed over. Each case runs in a fresh interpreter, since the
cache is installed into the process's dataclasses module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the cache is made for Python 3.11 only")

# What a class made by dataclasses shows of itself: built, compared, hashed,
# printed, refused when changed, and its signature.
DESCRIBE = r"""
import dataclasses, inspect, json, sys
from datetime import date
from pathlib import Path
import imprint.model as model

def describe(cls):
    fields = dataclasses.fields(cls)
    return {"signature": str(inspect.signature(cls)), "doc": cls.__doc__,
            "methods": sorted(n for n in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__",
                                          "__delattr__") if n in vars(cls)),
            "fields": [(f.name, str(f.type), f.init, f.repr, f.compare) for f in fields]}

found = {name: describe(cls) for name, cls in sorted(vars(model).items())
         if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__}
name = model.PersonName(family="Батунаев", given="Эрдэни")
same = model.PersonName(family="Батунаев", given="Эрдэни")
try:
    name.family = "x"
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
found["behaviour"] = [repr(name), name == same, hash(name) == hash(same), frozen]
print(json.dumps(found, ensure_ascii=False))
"""


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)


@pytest.fixture
def cache(tmp_path) -> Path:
    file = tmp_path / "dataclasses.marshal"
    out = run(f"from pathlib import Path; from imprint import dataclass_cache as d; "
              f"print(d.write(Path({str(file)!r})))")
    assert int(out.stdout) > 50  # Imprint's own classes and the libraries' they import
    return file


def test_classes_are_the_same_with_the_cache(cache):
    plain = json.loads(run(DESCRIBE).stdout)
    cached = json.loads(run(f"from pathlib import Path; from imprint import dataclass_cache as d; "
                            f"assert d.install(Path({str(cache)!r}))\n" + DESCRIBE).stdout)
    assert cached == plain
    assert plain["behaviour"] == ["PersonName(given='Эрдэни', family='Батунаев', literal=None, "
                                  "non_dropping_particle=None, dropping_particle=None, suffix=None)",
                                  True, True, True]


def test_nothing_is_compiled_again(cache):
    # With compile() refused, importing the models (and the pipeline) still works:
    # every method came from the file.
    run(f"from pathlib import Path; from imprint import dataclass_cache as d; "
        f"assert d.install(Path({str(cache)!r}))\n"
        f"def refuse(*args, **kwargs): raise AssertionError('compiled: ' + str(args[0])[:200])\n"
        f"d.compile = refuse\n"
        f"import imprint.model, imprint.pipeline, imprint.manuscript")


def test_a_class_not_in_the_file_is_compiled_as_usual(cache):
    out = run(f"from pathlib import Path; import dataclasses; from imprint import dataclass_cache as d; "
              f"assert d.install(Path({str(cache)!r}))\n"
              f"@dataclasses.dataclass(frozen=True)\n"
              f"class New:\n    pages: int = 3\n"
              f"print(New(), New() == New(4 - 1))")
    assert out.stdout.split() == ["New(pages=3)", "True"]


@pytest.mark.parametrize("content", [b"", b"not marshal data", None])
def test_an_unusable_file_is_passed_over(tmp_path, content):
    file = tmp_path / "dataclasses.marshal"
    if content is None:  # written by another Python: its magic number differs
        content = run("import marshal; print(marshal.dumps((b'\\x00\\x00\\r\\n', {})).hex())").stdout
        content = bytes.fromhex(content.strip())
    file.write_bytes(content)
    out = run(f"from pathlib import Path; import dataclasses; from imprint import dataclass_cache as d; "
              f"print(d.install(Path({str(file)!r})), 'exec' in vars(dataclasses))\n"
              f"import imprint.model")
    assert out.stdout.split() == ["False", "False"]


def test_publish_installs_it_before_any_dataclass():
    # publish.py's first import must define no dataclass: the package's names are loaded lazily.
    out = run("import dataclasses, sys\n"
              "made = []\n"
              "process = dataclasses._process_class\n"
              "dataclasses._process_class = lambda cls, *a, **k: (made.append(cls.__qualname__), "
              "process(cls, *a, **k))[1]\n"
              "from imprint import dataclass_cache\n"
              "print(len(made))")
    assert out.stdout.strip() == "0"
