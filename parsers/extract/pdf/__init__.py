"""PDF attachments: ``document`` reads them, through PDFium (``pdfium``, ``glyphs``,
``objects``, ``ffi``) or pdfplumber (``plumber``) into the pages of ``parsers.extract.page_layout``, tables from ruling lines (``lattice``),
scans through OCR (``scanned``), after ``inflate`` has refused a bomb."""
