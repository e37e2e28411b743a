"""An email backend for the real-worker tests, loaded by the worker process.

It counts each message sent by appending a line to the file named by SENT_LOG, which
outlives a worker killed mid-send. While the file GATE_DIR/hold exists, it stops in the
middle of the send (after writing GATE_DIR/started) so that a test can kill the worker
at a moment it chooses.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

GATE_TIMEOUT = 60


class GatedCountingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        gate = Path(os.environ["GATE_DIR"]) if os.environ.get("GATE_DIR") else None
        for message in email_messages:
            if gate and (gate / "hold").exists():
                (gate / "started").write_text(message.subject)
                deadline = time.monotonic() + GATE_TIMEOUT
                while (gate / "hold").exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
            line = f"{','.join(message.to)}\t{message.subject}\n".encode()
            fd = os.open(os.environ["SENT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return len(email_messages)
