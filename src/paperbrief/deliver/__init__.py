"""Delivery: send a stored day to e-mail addresses and chat webhooks, exactly once, with a ledger.

    targets.py   parse `mailto:` / `KIND:URL` targets; ids and masked labels (URLs carry tokens)
    ledger.py    the `deliveries` table: what went where, resume and retry decisions
    digest.py    the day as a digest in its language; the fingerprint of what was sent
    channels.py  one message builder per chat service, signing, and reading its answer
    mail.py      the e-mail (text + safe HTML) and the SMTP session
    send.py      `deliver()`: the loop over targets that ties them together
"""

from paperbrief.deliver.send import DeliveryError, Outcome, Sent, deliver, latest_day, resolve_targets

__all__ = ["DeliveryError", "Outcome", "Sent", "deliver", "latest_day", "resolve_targets"]
