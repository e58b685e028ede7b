"""Unattended operation: schedules crawls and indexing, and hosts the `xxgk` command line."""
