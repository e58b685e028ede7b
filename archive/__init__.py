"""Versioned storage of everything fetched: WARC files, their index, retrieval.

Knows WARC, storage and the index, and nothing about reports; imports no other xxgk package.
"""
