"""Distributed crawls: several `xxgk worker` processes share each site's queue, duplicate
filter and per-host politeness through Redis.

``coordinator`` seeds the shared frontier (`xxgk crawl --distributed`) and follows the runs;
``worker`` runs a crawler per seeded site; ``frontier`` is the Redis side (queues, claims,
turns) and ``scheduler`` the Scrapy side of it, ``codec`` how requests travel, ``run`` the
extension that ends a site's run on the
worker that finishes it, ``listings`` the listing counts every worker adds to, and
``politeness`` / ``challenges`` the downloader middlewares that replace the local ones.
"""
