"""Turns archived documents into structured report data; reads the archive, never the network."""

# Recorded with every parse; `xxgk reindex --all` after raising it re-parses everything.
PARSER_VERSION = "1"
