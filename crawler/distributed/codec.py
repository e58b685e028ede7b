"""How a request travels through the shared frontier (Redis): JSON, not pickle.

scrapy-redis stores ``Request.to_dict(spider=...)``: the callback and errback by the name of
a spider method (every callback of our spiders is one), ``cb_kwargs`` and ``meta`` as they
are. Its default serializer is pickle, which would let anyone who can write to Redis run
code in every worker; this one writes plain JSON, with bytes (bodies, headers), tuples and
dicts with non-string keys (headers) tagged so they come back as they went in.

What cannot be written as JSON does not belong in a shared queue: an object that lives in
one process (a browser page, a future) means nothing in another. Our spiders and
middlewares put only numbers, strings, booleans and lists into ``meta`` and ``cb_kwargs``;
anything else found there is left out with a warning (``dropped_meta`` counts it), not
allowed to end the crawl. ``SCHEDULER_SERIALIZER = "crawler.distributed.codec"``.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from scrapy import Request

log = logging.getLogger(__name__)

# Request classes a queued request may name (``_class``): loading anything else from a
# shared queue would instantiate whatever class a writer to Redis names.
REQUEST_CLASSES = ("scrapy.http.request.form.FormRequest",
                   "scrapy.http.request.json_request.JsonRequest")
dropped_meta: dict[str, int] = {}


class Unserialisable(TypeError):
    """A value JSON (with our tags) cannot carry."""


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return {"__b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"__t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"__d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise Unserialisable(f"{type(value).__name__} cannot go into the shared frontier")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "__b":
            return base64.b64decode(inner)
        if tag == "__t":
            return tuple(_decode(v) for v in inner)
        if tag == "__d":
            return {_decode(k): _decode(v) for k, v in inner}
    return {k: _decode(v) for k, v in value.items()}


def _method_name(spider: Any, func: Any) -> str | None:
    """The name of the spider method ``func`` is bound to, without ``inspect.getmembers``
    over the whole spider (what ``Request.to_dict`` does, a tenth of a millisecond per queued
    request); None when it is not simply one."""
    name = getattr(getattr(func, "__func__", None), "__name__", None)
    if name and getattr(func, "__self__", None) is spider \
            and getattr(type(spider), name, None) is func.__func__:
        return name
    return None


def request_dict(request: Request, spider: Any) -> dict[str, Any]:
    """``request.to_dict(spider=spider)``, the callbacks found the quick way."""
    names = {}
    for attr in ("callback", "errback"):
        func = getattr(request, attr)
        names[attr] = func if func is None or isinstance(func, str) else \
            _method_name(spider, func)
        if names[attr] is None and func is not None:
            return request.to_dict(spider=spider)  # Scrapy's way: finds it or says why not
    d: dict[str, Any] = {"url": request.url, **names, "headers": dict(request.headers)}
    for attr in request.attributes:
        d.setdefault(attr, getattr(request, attr))
    if type(request) is not Request:
        d["_class"] = f"{type(request).__module__}.{type(request).__name__}"
    return d


def dumps(request: dict[str, Any]) -> bytes:
    """A request dict (``Request.to_dict``) as JSON bytes."""
    meta = request.get("meta") or {}
    kept = {}
    for key, value in meta.items():
        try:
            kept[key] = _encode(value)
        except Unserialisable as exc:
            dropped_meta[key] = dropped_meta.get(key, 0) + 1
            log.warning("meta[%r] of %s left out of the shared frontier: %s", key,
                        request.get("url"), exc)
    body = {k: _encode(v) for k, v in request.items() if k != "meta"}
    body["meta"] = kept
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    request = _decode(json.loads(data))
    cls = request.get("_class")
    if cls is not None and cls not in REQUEST_CLASSES:
        raise ValueError(f"refusing a queued request of class {cls!r}")
    return request
