"""Scrapy settings of the xxgk crawler: defaults in one place, overridable per site
(registry ``settings``) and per run (``xxgk crawl -s NAME=VALUE``)."""

BOT_NAME = "xxgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are: a contact is part of politeness. Override XXGK_CONTACT per deployment.
XXGK_CONTACT = "archive@example.org"
USER_AGENT = ("Mozilla/5.0 (compatible; xxgk-archive/0.1; +https://github.com/xxgk-archive; "
              "archiving government information-disclosure reports; contact: {contact})")

ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"

# Politeness: one request at a time per host, 1.5 s apart, many hosts in parallel.
# crawler.downloader keeps it whatever the delay (DOWNLOAD_DELAY=0 included): at most
# XXGK_HOST_CONCURRENCY requests in flight per host (a site's registry entry may allow more:
# `concurrency: 2`), each sent DOWNLOAD_DELAY (or robots.txt's Crawl-delay, or the 429
# backoff: PolitenessMiddleware) after the host's last response, and a (re)started crawl
# waits one delay before its first request to a host.
DOWNLOADER = "crawler.downloader.PoliteDownloader"
DOWNLOAD_DELAY = 1.5
DOWNLOAD_DELAY_JITTER = 0  # exact delays: politeness is measured
XXGK_HOST_CONCURRENCY = 1
CONCURRENT_REQUESTS = 64
# Items per response processed in parallel: Scrapy's 100 makes 100 asyncio tasks for every
# response; our callbacks yield a handful (measured: ~1 ms of CPU per page saved).
CONCURRENT_ITEMS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = False

# Robustness.
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # reports are small; a 20 MB bundle is not one
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DEPTH_LIMIT = 6
XXGK_MAX_PAGES_PER_HOST = 5000  # trap budget per host and run
XXGK_MAX_URLS_PER_SHAPE = 2000  # URLs of one shape (numbers folded) per run: calendars
# Tries of one request (URL, method, body) per run, by every middleware together: retries,
# 429s, challenge reloads, the fetch again after an unreadable archived copy. Spent: refused,
# a failure of kind `retries` (crawler.middlewares.loops). 0: no budget.
XXGK_MAX_TRIES_PER_URL = 10
# A closing crawl (--max-pages, SIGTERM) drops what it has not sent: the run is interrupted
# and its next crawl asks again. False in distributed workers (they finish what they hold).
XXGK_DROP_WHEN_CLOSING = True
XXGK_CONDITIONAL_REQUESTS = True  # If-None-Match / If-Modified-Since from the last capture
XXGK_PROGRESS_INTERVAL = 2.0  # seconds between progress updates; 0 turns them off
# Responses are archived by a writer process of their own (archive.write.process; False: a thread
# of the crawl process, archive.write.groupcommit.GroupCommit), in groups: up to this many per fsync and
# index transaction, a response waiting at most this long for others to join it. Per crawl
# process (the archive is shared by the sites crawled in it).
XXGK_ARCHIVE_PROCESS = True
XXGK_ARCHIVE_MAX_BATCH = 64
XXGK_ARCHIVE_MAX_LATENCY = 0.005  # a lone response waits this long for company
COOKIES_ENABLED = True
REDIRECT_ENABLED = True
HTTPERROR_ALLOW_ALL = True  # errors are recorded, not dropped

DOWNLOADER_MIDDLEWARES = {
    # Above HttpCompressionMiddleware (590) and RedirectMiddleware (600): sees every response
    # as received, raw bytes and redirects included, and every request as it is sent.
    "crawler.middlewares.archiving.ArchiveMiddleware": 950,
    # Sees a 304 after it is archived and answers it from the archive; on resume, answers
    # what the run already has without the network.
    "crawler.middlewares.incremental.IncrementalMiddleware": 945,
    "crawler.middlewares.challenges.CookieChallengeMiddleware": 940,
    "crawler.middlewares.politeness.PolitenessMiddleware": 560,
    # Scrapy's, without a charset guess on the compressed body of every text response.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.compression.CompressionMiddleware": 590,
    # Before HttpProxyMiddleware (750) reads request.meta["proxy"].
    "crawler.middlewares.proxy.ForwardProxyMiddleware": 100,
    # Lowest: sees what is left after retries and redirects, and every refused request.
    "crawler.middlewares.failures.FailureMiddleware": 50,
    # Scrapy's offsite filter, its refusals recorded too (they happen at scheduling).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.failures.OffsiteMiddleware": 50,
    "crawler.middlewares.traps.TrapGuardMiddleware": 60,
    # Just above the failure middleware, which records its refusals: every attempt at a
    # request passes here first (the retry budget), and nothing passes once the crawl closes.
    "crawler.middlewares.loops.LoopGuardMiddleware": 55,
}
ITEM_PIPELINES = {"crawler.pipelines.DocumentPipeline": 300}
EXTENSIONS = {
    "crawler.extensions.CrawlRunExtension": 500,
    "crawler.extensions.ProgressExtension": 510,
}
XXGK_PROXY = None  # e.g. http://127.0.0.1:8765 for the portal simulator

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19: RemoteControl runs code sent over HTTP
FEED_EXPORT_ENCODING = "utf-8"

# The browser, only for pages behind JavaScript challenges (scrapy-playwright; requests
# without meta["playwright"] keep Scrapy's own handler). Chromium comes from the system:
# browsers cannot be downloaded on our machines. Started at the first challenge, not with
# the crawl (crawler.browser): most sites never need it. No PLAYWRIGHT_CONTEXTS: a startup
# context launches Chromium at once; the challenge solver gives its context's options.
XXGK_BROWSER_ENABLED = True
XXGK_CHROMIUM = "/usr/bin/chromium"
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.LazyPlaywrightDownloadHandler",
    "https": "crawler.browser.LazyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--disable-default-apps", "--disable-extensions", "--no-pings", "--no-service-autorun",
    "--disable-breakpad", "--no-default-browser-check", "--password-store=basic",
    "--disable-features=HttpsUpgrades,Translate,OptimizationHints,MediaRouter,"
    "CertificateTransparencyComponentUpdater,AutofillServerCommunication",
]

# Distributed mode only (`xxgk worker`, crawler.distributed.worker): several workers share one
# crawl through Redis (XXGK_REDIS_URL). These replace or join the components above in a
# worker; `xxgk crawl` without --distributed never reads them.
XXGK_DISTRIBUTED_DOWNLOADER_MIDDLEWARES = {
    # Per-host turns in Redis instead of the process's own slot delays.
    "crawler.middlewares.politeness.PolitenessMiddleware": None,
    "crawler.distributed.politeness.SharedCrawlDelayMiddleware": 560,
    "crawler.distributed.politeness.HostGateMiddleware": 990,
    # Challenge cookies one worker got, shared with the others.
    "crawler.middlewares.challenges.CookieChallengeMiddleware": None,
    "crawler.distributed.challenges.SharedChallengeMiddleware": 940,
}
XXGK_DISTRIBUTED_EXTENSIONS = {
    "crawler.extensions.CrawlRunExtension": None,
    "crawler.distributed.run.DistributedRunExtension": 500,
}
XXGK_WORKER_SITE_CONCURRENCY = 8  # a site's requests one worker holds at a time
XXGK_FRONTIER_POLL = 0.5  # seconds between looks at an empty shared queue
XXGK_FRONTIER_POLL_MAX = 4.0  # an idle site's looks slow down to this (doubling per empty look)
XXGK_WORKER_HEARTBEAT = 2.0  # seconds between "still busy with this site" marks
XXGK_WORKER_STALE = 30.0  # a busy mark this old is a dead worker's
XXGK_HOST_TURN_TTL = 90.0  # a host's turn a dead worker held is free again after this
XXGK_HOST_POLL = 0.05  # seconds between asking for a host whose request is in flight
XXGK_CHALLENGE_COOKIE_TTL = 600.0  # seconds shared challenge cookies are offered
