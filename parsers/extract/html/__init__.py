"""Report pages (HTML): ``page`` finds the article among the portal (``marks``), reads it in
order (``flow``) and what the page says about itself (``meta``)."""
