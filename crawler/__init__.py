"""Scrapy crawler: finds annual reports on county portals and fetches them through the archive."""

import logging

# Scrapy's cookie middleware asks tldextract for the public suffix list, which tldextract
# tries to download once per machine; offline (our machines, many servers) it logs a
# traceback as a warning and then uses the list bundled with it, which is all we need.
logging.getLogger("tldextract").setLevel(logging.ERROR)
