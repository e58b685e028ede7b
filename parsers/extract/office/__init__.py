"""Word documents: DOCX read from its parts (``docx``, ``ooxml``); .doc, .wps and RTF through
LibreOffice or antiword (``binary``)."""
