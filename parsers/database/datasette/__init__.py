"""Datasette over the reports database: the metadata it is shown with (``metadata.yml``,
shipped with the package and made by :mod:`.metadata`) and how ``xxgk datasette`` starts it
(:mod:`.launch`)."""
