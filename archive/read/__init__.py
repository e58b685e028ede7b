"""Reading the archive: one record from its file (``reader``), a URL's captures by time
(``retrieval``), a payload decoded (``decoding``) and its text (``text``)."""
