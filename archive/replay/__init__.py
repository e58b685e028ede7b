"""The archive for other tools: Memento (``memento``, served by ``server``), CDXJ indexes
(``cdxj``) and WACZ packages (``wacz_export``) for pywb and ReplayWeb.page."""
