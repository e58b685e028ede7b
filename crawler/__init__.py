"""Scrapy crawler: finds annual reports on county portals and fetches them through the archive."""
