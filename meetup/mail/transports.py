"""Mail transports: SMTP for real, the console or a folder for the embedded default.

A transport sends one finished message at a time over a connection it keeps
open between messages, and says how a failure should be treated:
TemporaryFailure (try again later) or PermanentFailure (give up, tell the operator).
"""

from __future__ import annotations

import contextlib
import ipaddress
import smtplib
import socket
import ssl
import sys
from dataclasses import dataclass
from email.message import Message
from email.policy import compat32
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import unquote, urlsplit

from flask import Config

# The email.mime classes' policy, with the CRLF line ends SMTP requires.
SMTP_POLICY = compat32.clone(linesep="\r\n")


class DeliveryFailure(Exception):
    """Sending failed; `temporary` says whether trying again may succeed."""

    temporary = True


class TemporaryFailure(DeliveryFailure):
    """A 4xx reply, a refused or dropped connection, a timeout."""


class ConnectionFailure(TemporaryFailure):
    """The server could not be reached at all: nothing else will get through now."""


class PermanentFailure(DeliveryFailure):
    """A 5xx reply: this message will never be accepted as it is."""

    temporary = False


@dataclass(frozen=True)
class Outgoing:
    """A finished message and its bytes on the wire (flattened once, ahead of
    sending: see MailWorker)."""

    message: Message
    data: bytes

    @classmethod
    def of(cls, message: Message) -> Outgoing:
        return cls(message, message.as_bytes(policy=SMTP_POLICY))


class Transport(Protocol):
    def send(self, outgoing: Outgoing, *, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """SMTP with one connection reused for every message until it breaks.

    smtp://user:password@host:587 uses STARTTLS when the server offers it (and
    insists on it before sending a password anywhere but loopback);
    smtps://host:465 is TLS from the first byte.
    """

    def __init__(self, url: str, *, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "MEETUP_SMTP_URL must look like smtp://user:pass@host:587 or smtps://host"
            )
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def send(self, outgoing: Outgoing, *, sender: str, recipient: str) -> None:
        smtp = self._connection()
        try:
            refused = smtp.sendmail(sender, [recipient], outgoing.data)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._drop_if_closing(code)
            raise _by_code(code, reply) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            self._drop_if_closing(error.smtp_code)
            raise _by_code(error.smtp_code, error.smtp_error) from error
        except smtplib.SMTPResponseException as error:
            self._drop()
            raise _by_code(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            # Dropped mid-conversation or timed out: reconnect for the next one.
            self._drop()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        if refused:  # only possible with several recipients; we send to one
            code, reply = next(iter(refused.values()))
            raise _by_code(code, reply)

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        context = ssl.create_default_context()
        try:
            if self.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            # SMTP is a conversation of small writes; don't let Nagle hold them.
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo()
            if not self.implicit_tls:
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif self.username and not _is_loopback(self.host):
                    smtp.close()
                    raise ConnectionFailure(
                        f"{self.host} does not offer STARTTLS; refusing to send the password "
                        "in clear text (use smtps:// or a server with STARTTLS)"
                    )
            if self.username:
                smtp.login(self.username, self.password or "")
        except smtplib.SMTPResponseException as error:
            raise ConnectionFailure(
                f"{self.host}:{self.port} answered {error.smtp_code} {_text(error.smtp_error)}"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            raise ConnectionFailure(
                f"cannot reach {self.host}:{self.port}: {type(error).__name__}: {error}"
            ) from error
        self._smtp = smtp
        return smtp

    def _drop_if_closing(self, code: int) -> None:
        """421: the server is closing the connection; the next message reconnects."""
        if code == 421:
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
        self._smtp = None


class ConsoleTransport:
    """Print each message readably (headers, decoded text body, the other parts):
    the embedded default, so `make run` shows its mail with clickable links."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, outgoing: Outgoing, *, sender: str, recipient: str) -> None:
        message = outgoing.message
        bar = "-" * 72
        headers = "".join(
            f"{name}: {message[name]}\n" for name in ("From", "To", "Subject", "Date")
        )
        body = next((p for p in message.walk() if p.get_content_type() == "text/plain"), None)
        payload = body.get_payload(decode=True) if body is not None else b""
        text = payload.decode(body.get_content_charset() or "utf-8") if payload else ""
        parts = ", ".join(part.get_content_type() for part in message.walk())
        self.stream.write(f"{bar}\n{headers}[{parts}]\n\n{text.rstrip()}\n{bar}\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class DirectoryTransport:
    """Write each message as an .eml file (MEETUP_MAIL_DIR), to open in a mail client."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, outgoing: Outgoing, *, sender: str, recipient: str) -> None:
        name = outgoing.message["Message-ID"].strip("<>").split("@")[0]
        (self.directory / f"{name}.eml").write_bytes(outgoing.data)

    def close(self) -> None:
        pass


def transport_from_config(config: Config) -> Transport:
    if config.get("SMTP_URL"):
        return SmtpTransport(str(config["SMTP_URL"]), timeout=float(config["SMTP_TIMEOUT"]))
    if config.get("MAIL_DIR"):
        return DirectoryTransport(str(config["MAIL_DIR"]))
    return ConsoleTransport()


def _by_code(code: int, reply: bytes | str) -> DeliveryFailure:
    text = f"{code} {_text(reply)}"
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
