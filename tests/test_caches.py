"""The caches of a build (.imprint-cache/: Pandoc's readings, slow pictures made
into PNG, fontconfig's configuration) are written whole or not at all by one
function, files.keep: a cache that cannot be written is no loss, and leaves no
temporary file behind (each writer left its `.tmp` file when the writing or the
renaming failed, and the raster cache's were never cleaned)."""

from __future__ import annotations

from imprint.editions import raster
from imprint.files import keep


def test_a_cache_file_that_cannot_be_written_leaves_nothing(tmp_path):
    assert keep(tmp_path / "kept" / "a", b"data", 0o644)
    assert (tmp_path / "kept" / "a").read_bytes() == b"data" and (tmp_path / "kept" / "a").stat().st_mode & 0o777 == 0o644
    (tmp_path / "kept" / "b").mkdir()  # (a folder where the file should be: the renaming fails)
    (tmp_path / "kept" / "b" / "inside").write_bytes(b"")
    assert not keep(tmp_path / "kept" / "b", b"data")
    assert sorted(p.name for p in (tmp_path / "kept").iterdir()) == ["a", "b"]


def test_a_slow_picture_that_cannot_be_kept_is_made_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(raster, "KEPT_AFTER", -1.0)  # (every picture slow enough to keep)
    made = raster._kept(tmp_path, b"source", lambda: b"picture")
    assert made == b"picture" and [p.read_bytes() for p in (tmp_path / raster.KEPT).iterdir()] == [b"picture"]
    kept = next((tmp_path / raster.KEPT).iterdir())
    kept.unlink()
    kept.mkdir()  # (the cache's file cannot be written)
    (kept / "x").write_bytes(b"")
    assert raster._kept(tmp_path, b"source", lambda: b"picture") == b"picture"
    assert [p.name for p in (tmp_path / raster.KEPT).iterdir()] == [kept.name]
