"""The print editions: HTML typeset by WeasyPrint (patched in imprint/patches/),
tagged, with their XMP packet; booklets; the issue's PDF."""
