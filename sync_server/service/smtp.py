"""Hand one e-mail to the site's SMTP server, as the ``[mail]`` settings say.

The digest, the request notices and the scheduled reports all send through here; each
catches ``OSError`` and ``smtplib.SMTPException`` itself, since each decides what a failed
send means for its own bookkeeping.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from sync_server.settings import MailSettings


def deliver(mail: MailSettings, message: EmailMessage) -> None:
    """Send ``message`` (its headers already set) through ``mail``'s server, with STARTTLS
    and a login when the settings ask for them; waits at most ``mail.timeout_s`` seconds for
    each step."""
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_s) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.username and mail.password:
            smtp.login(mail.username, mail.password)
        smtp.send_message(message)
