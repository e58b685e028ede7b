"""Downloader middlewares of the xxgk crawler."""
