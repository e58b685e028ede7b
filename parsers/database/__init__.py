"""The reports database: what every parsed report becomes (``models``), how the archive's
new documents get there (``index``, ``parse_one``, ``rebuild``, ``versions``) and how it
leaves (``export`` with its ``datapackage.json``, ``dictionary`` of every column, Datasette)."""
