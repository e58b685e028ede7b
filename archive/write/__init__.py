"""Writing the archive: WARC records and their index rows (``store.Archive``), many at a time
(``groupcommit``, or a crawl's writer process, ``process``), and the repair of files a killed
writer left open (``recover``)."""
