"""Event delivery on the wire: email through a real SMTP conversation (a minimal receiver
in the test speaks the protocol to smtplib), a webhook that stays down is retried with
backoff and then given up with its error recorded, and the settings file's alert keys
become the sinks."""

from __future__ import annotations

import json
import os
import socketserver
import threading
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from scheduler.config import load_config, sinks_from_env
from scheduler.events import add_event
from scheduler.models import DELIVERED, GAVE_UP, PENDING, EventDelivery
from scheduler.sinks import Deliverer, EmailSink, WebhookSink
from xxgk.base.db import create_schema, make_engine, session_factory

T0 = datetime(2025, 3, 1, 3, 0)


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        envelope: dict = {"rcpt": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb == "MAIL":
                envelope["from"] = command.split(":", 1)[1].strip("<> ")
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["rcpt"].append(command.split(":", 1)[1].strip("<> "))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                envelope["data"] = data
                self.server.received.append(envelope)  # type: ignore[attr-defined]
                envelope = {"rcpt": []}
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


def _database(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    create_schema(engine)
    return session_factory(engine)


def _event(sessions, sinks: list[str], n: int = 1) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        for i in range(n):
            add_event(session, key=f"report.new|测试县|{2020 + i}", kind="report.new", at=T0,
                      sinks=sinks, site="jiaxiang", organisation="嘉祥县人民政府",
                      year=2020 + i, summary=f"new: 嘉祥县人民政府 {2020 + i}年度报告",
                      detail={"version": 1})


def test_email_goes_out_over_smtp(tmp_path: Path) -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sink = EmailSink(host="127.0.0.1", port=server.server_address[1],
                         sender="xxgk@example.org", recipients=["a@example.org", "b@example.org"])
        sessions = _database(tmp_path)
        _event(sessions, [sink.name], n=2)
        counts = Deliverer(sessions, [sink]).deliver(T0)
    finally:
        server.shutdown()
    assert counts[DELIVERED] == 2
    received = server.received  # type: ignore[attr-defined]
    assert [r["rcpt"] for r in received] == [["a@example.org", "b@example.org"]] * 2
    message = message_from_bytes(received[0]["data"], policy=policy.default)
    assert "嘉祥县人民政府" in str(message.get("Subject"))
    body = json.loads(message.get_content())
    assert body["kind"] == "report.new" and body["year"] == 2020


def test_a_webhook_that_stays_down_is_retried_then_given_up(tmp_path: Path) -> None:
    sink = WebhookSink("http://127.0.0.1:9/nobody-listens", timeout=2)  # discard port
    sessions = _database(tmp_path)
    _event(sessions, [sink.name], n=2)
    deliverer = Deliverer(sessions, [sink], max_attempts=3, backoff=60)
    now = T0
    first = deliverer.deliver(now)
    assert first == {DELIVERED: 0, PENDING: 2, GAVE_UP: 0}  # the second waits behind the first
    assert deliverer.deliver(now + timedelta(seconds=30)) == {DELIVERED: 0, PENDING: 2,
                                                              GAVE_UP: 0}  # not due yet
    for step in (61, 61 + 121):
        deliverer.deliver(now + timedelta(seconds=step))
    with sessions() as session:
        rows = session.scalars(select(EventDelivery).order_by(EventDelivery.id)).all()
    assert rows[0].state == GAVE_UP and rows[0].attempts == 3
    assert "127.0.0.1:9" in rows[0].last_error
    assert rows[1].state == PENDING and rows[1].attempts == 0  # in order: it waited its turn


def test_settings_file_alert_keys_become_sinks(tmp_path: Path, monkeypatch) -> None:
    for name in [n for n in os.environ if n.startswith("XXGK_")]:
        monkeypatch.delenv(name)
    config = tmp_path / "xxgk.toml"
    config.write_text('[alerts]\nwebhooks = ["http://127.0.0.1:1/a", "https://h.example/b"]\n'
                      '[alerts.smtp]\nhost = "smtp.example.org"\nport = 2525\n'
                      'to = ["ops@example.org"]\n', encoding="utf-8")
    monkeypatch.setenv("XXGK_WEBHOOKS", "http://override.example/hook")  # the environment wins
    load_config(config)
    names = [sink.name for sink in sinks_from_env()]
    assert names == ["log", "webhook:http://override.example/hook", "email:ops@example.org"]
