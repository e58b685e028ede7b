"""Where events go: the log, webhooks (HTTP POST of JSON), email (SMTP).

Each event has a delivery row per sink. Delivery is at least once and retried with backoff:
a webhook that is down gets its events when it is back, in order, across restarts of the
scheduler (the rows are in the database); after ``max_attempts`` a delivery is given up and
that is recorded too, with the last error. Sinks are named by a string (``log``,
``webhook:URL``, ``email:ADDRESS,...``) so that the rows say where each event went; a
webhook's name and errors show its URL masked (``?token=***``): rows, logs and
`xxgk events` are read by more people than the settings file.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from archive.redact import SECRETS, mask_url
from archive.timespec import iso
from scheduler.models import DELIVERED, GAVE_UP, PENDING, Event, EventDelivery

log = logging.getLogger(__name__)
USER_AGENT = "xxgk-archive scheduler (events)"


class DeliveryError(RuntimeError):
    """The sink did not take the event (the reason is recorded and it is tried again)."""


class Sink(Protocol):
    name: str

    def send(self, event: dict) -> None: ...


def event_document(event: Event) -> dict:
    """An event as sinks receive it (the webhook's JSON body)."""
    return {"id": event.id, "kind": event.kind, "at": iso(event.at),
            "site": event.site, "organisation": event.organisation, "year": event.year,
            "report_id": event.report_id, "url": event.url, "summary": event.summary,
            "detail": json.loads(event.detail or "{}")}


@dataclass
class LogSink:
    name: str = "log"

    def send(self, event: dict) -> None:
        level = logging.WARNING if event["kind"] in (
            "site.unreachable", "crawl.failed", "checks.failed") else logging.INFO
        logging.getLogger("xxgk.events").log(level, "[%s] %s", event["kind"], event["summary"])


@dataclass
class WebhookSink:
    url: str
    timeout: float = 10.0
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = f"webhook:{mask_url(self.url)}"

    @property
    def former_names(self) -> list[str]:
        """The names earlier versions gave this sink (the whole URL): their rows are
        renamed, so that no token stays in the database and pending ones go out."""
        legacy = f"webhook:{self.url}"
        return [legacy] if legacy != self.name else []

    def send(self, event: dict) -> None:
        body = json.dumps(event, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
            "X-Xxgk-Event": event["kind"], "X-Xxgk-Event-Id": str(event["id"])})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"HTTP {exc.code} from {mask_url(self.url)}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(SECRETS.mask(f"{mask_url(self.url)}: "
                                             f"{getattr(exc, 'reason', exc)}")) from None


@dataclass
class EmailSink:
    host: str
    port: int
    sender: str
    recipients: Sequence[str]
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 20.0
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = "email:" + ",".join(self.recipients)

    def send(self, event: dict) -> None:
        message = EmailMessage()
        message["Subject"] = f"[xxgk] {event['summary']}"[:200]
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(json.dumps(event, ensure_ascii=False, indent=2))
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {exc}") from exc


@dataclass
class Deliverer:
    """Sends the pending deliveries that are due. Backoff doubles from ``backoff`` seconds
    between passes. A sink's events go out in order: behind one that failed or waits for
    its retry, the sink's later events wait too."""

    sessions: sessionmaker[Session]
    sinks: Sequence[Sink]
    max_attempts: int = 8
    backoff: float = 30.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _renamed: bool = field(default=False, repr=False)

    @property
    def names(self) -> list[str]:
        return [sink.name for sink in self.sinks]

    def deliver(self, now: datetime) -> dict[str, int]:
        """One pass; returns counts by outcome. One pass at a time (the service's loop and
        the jobs' ends both call it): two would send the same pending event twice."""
        with self._lock:
            if not self._renamed:
                self._rename_former()
            return self._deliver(now)

    def _rename_former(self) -> None:
        with self.sessions() as session:
            for sink in self.sinks:
                for former in getattr(sink, "former_names", []):
                    session.execute(update(EventDelivery).where(EventDelivery.sink == former)
                                    .values(sink=sink.name))
            session.commit()
        self._renamed = True

    def _deliver(self, now: datetime) -> dict[str, int]:
        by_name = {sink.name: sink for sink in self.sinks}
        counts = {DELIVERED: 0, PENDING: 0, GAVE_UP: 0}
        failing: set[str] = set()
        with self.sessions() as session:
            pending = session.execute(
                select(EventDelivery, Event).join(Event, Event.id == EventDelivery.event_id)
                .where(EventDelivery.state == PENDING,
                       EventDelivery.sink.in_(list(by_name)))
                .order_by(Event.id)).all()
            for delivery, event in pending:
                not_due = delivery.next_attempt_at is not None and delivery.next_attempt_at > now
                if delivery.sink in failing or not_due:
                    failing.add(delivery.sink)  # later events wait behind this one: in order
                    counts[PENDING] += 1
                    continue
                delivery.attempts += 1
                delivery.last_attempt_at = now
                try:
                    by_name[delivery.sink].send(event_document(event))
                except Exception as exc:  # noqa: BLE001 - recorded; the others go on
                    failing.add(delivery.sink)
                    delivery.last_error = SECRETS.mask(str(exc))[:2000]
                    if delivery.attempts >= self.max_attempts:
                        delivery.state = GAVE_UP
                        counts[GAVE_UP] += 1
                        log.error("gave up delivering event %s to %s after %d attempts: %s",
                                  event.id, delivery.sink, delivery.attempts, exc)
                    else:
                        delivery.next_attempt_at = now + timedelta(
                            seconds=self.backoff * 2 ** (delivery.attempts - 1))
                        counts[PENDING] += 1
                        log.warning("event %s to %s failed (attempt %d): %s", event.id,
                                    delivery.sink, delivery.attempts, exc)
                else:
                    delivery.state = DELIVERED
                    delivery.last_error = None
                    counts[DELIVERED] += 1
                session.commit()  # each outcome is kept even if a later send hangs
        return counts
