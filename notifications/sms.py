"""SMS sending behind a small interface, chosen by settings.SMS_BACKEND.

Like Django's email backends: development prints to the console, tests collect messages
in memory, and production names a class that talks to the operator's SMS gateway.
A backend raises SmsRefused when the gateway refuses a message for good (a retry would
be refused again); any other exception is taken as passing trouble and retried.
"""

import sys
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.utils.module_loading import import_string

from core.masking import mask_mobile


@dataclass(frozen=True)
class SmsMessage:
    to: str  # "+86" and the 11 digits
    text: str


class SmsRefused(Exception):
    """The gateway refused the message for good (unknown number, blocked content)."""


class BaseSmsBackend(ABC):
    @abstractmethod
    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send the messages; return how many were sent."""


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints each message, with the number masked (logs never hold whole mobiles)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        with self._lock:
            for message in messages:
                self.stream.write(f"SMS to {mask_mobile(message.to)}\n{message.text}\n{'-' * 40}\n")
            self.stream.flush()
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `notifications.sms.outbox`, for tests."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> None:
    get_backend().send_messages([SmsMessage(to=to, text=text)])
