"""Tables and prose that exist only as pixels (table images, scanned pages): grids found
from the pixels (``frames``, ``grid``, ``shape``), cells and prose read by Tesseract
(``cells``, ``page``, ``tesseract``); ``image`` is the extractor of table images."""
