"""Delivery: send a stored day, or a week's or month's digest, to e-mail addresses and chat webhooks, exactly
once, with a ledger.

    targets.py   parse `mailto:` / `KIND:URL` targets; ids and masked labels (URLs carry tokens)
    parcel.py    what is sent: a stored day or digest in every form a target takes, and its fingerprint
    brief.py     a day or a digest as chat-sized entries (title, link, a line, text) in its language
    ledger.py    the `deliveries` table: what went where, resume and retry decisions
    channels.py  one message builder per chat service, signing, and reading its answer
    mail.py      the e-mail (text + safe HTML) and the SMTP session
    send.py      `deliver()`: the loop over targets that ties them together, the same for days and digests
"""

from paperbrief.deliver.parcel import DeliveryError, Parcel, day_parcel, digest_parcel
from paperbrief.deliver.send import Outcome, Sent, deliver, latest_day, resolve_targets

__all__ = ["DeliveryError", "Outcome", "Parcel", "Sent", "day_parcel", "deliver", "digest_parcel", "latest_day",
           "resolve_targets"]
