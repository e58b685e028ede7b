"""Turns archived documents into structured report data; reads the archive, never the network."""
