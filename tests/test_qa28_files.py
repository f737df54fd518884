"""QA 28: a file of the project that leads out of it is told in the words the
editor wrote, not by the absolute path it resolves to."""
from __future__ import annotations

import os

import pytest

from imprint.errors import SourceError
from imprint.files import resolve_inside


def told(root, path) -> str:
    with pytest.raises(SourceError) as caught:
        resolve_inside(root, path, "image")
    problem = caught.value.problems[0]
    return f"{problem.file}: {problem.message}"


def test_a_file_linked_out_of_the_project_is_told_by_its_links_text(tmp_path):
    """An image that is a link out of the project was told "image lies outside the
    project (/tmp/.../outside/secret.png)", the resolved absolute path, as a notebook
    no longer is (test_notebooks): its link's own text is told, and the folder
    that is the link when the file is not."""
    root, outside = tmp_path / "project", tmp_path / "outside"
    (root / "source" / "a").mkdir(parents=True)
    (outside / "maps").mkdir(parents=True)
    (outside / "secret.png").write_bytes(b"x")
    (outside / "maps" / "map.png").write_bytes(b"x")
    os.symlink("../../../outside/secret.png", root / "source" / "a" / "map.png")
    os.symlink(outside / "maps", root / "source" / "a" / "maps")
    assert told(root, root / "source" / "a" / "map.png") == (
        "source/a/map.png: image lies outside the project (../../../outside/secret.png)")
    message = told(root, root / "source" / "a" / "maps" / "map.png")
    assert message == (f"source/a/maps/map.png: image lies outside the project (source/a/maps is a link to "
                       f"{outside / 'maps'})")
    assert str(outside / "maps" / "map.png") not in message
