"""The download site: landing pages, the index, the OPDS catalogue."""
