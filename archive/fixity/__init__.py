"""Keeping the archive whole: checking files and index against each other (``verify``,
``integrity``) and importing WARC files made elsewhere (``importer``)."""
