"""Limits on log-in and password-reset abuse.

Log-ins (django-axes, ``PortalAxesHandler``): failures are counted per account *and*
address together — an attacker elsewhere cannot lock the real person out — and per address
alone, with a higher limit, so that guessing across many accounts from one address is
slowed too. A successful log-in clears only that account's failures from that address;
setting a new password through a reset link clears the account's failures everywhere.

Password resets (``reset_allowed``): at most so many requests per e-mail address and per
client address within the window. Over the limit nothing is sent, and the answer is the
same as always — whether or not an account has the address.

The client's address is ``REMOTE_ADDR``, unless that is one of ``DJANGO_TRUSTED_PROXIES``:
then the nearest untrusted address of ``X-Forwarded-For``, read from the right (what a
client writes itself into the header is never trusted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from functools import cache

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone


@cache
def _trusted_networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = _trusted_networks(tuple(getattr(settings, "PORTAL_TRUSTED_PROXIES", ())))
    return any(ip in network for network in networks)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: from a trusted proxy's X-Forwarded-For, else REMOTE_ADDR."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None or not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (h.strip() for h in forwarded.split(",")) if hop]
    for hop in reversed(hops):
        address = _valid(hop)
        if address is None:
            # Garbage in the header: stop at the last address we could trust.
            return remote
        if not _is_trusted(address):
            return address
        remote = address
    return remote


# --- Log-in ------------------------------------------------------------------------------------


def address_failure_limit() -> int:
    return int(getattr(settings, "PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT", 30))


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes with two limits. ``AXES_LOCKOUT_PARAMETERS`` is
    ``[["username", "ip_address"], "ip_address"]``: the first group counts against
    ``AXES_FAILURE_LIMIT``, the second against ``PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT``."""

    def get_failures(self, request, credentials=None) -> int:
        account, address = self.get_user_attempts(request, credentials)
        failures = _failures(account)
        if _failures(address) >= address_failure_limit():
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful log-in: this account's failures from this address only (not
        every account's from the address, which would let one good password wipe the
        address's count)."""
        account = self.filter_user_attempts(request, credentials)[0]
        count, _ = account.delete()
        return count


# --- Password reset ----------------------------------------------------------------------------


def reset_allowed(request, email: str) -> bool:
    """Record one reset request for ``email`` from the client's address; False once
    either has more than its limit within ``PORTAL_RESET_WINDOW_SECONDS``. Counted in the
    database, so that every web process and machine shares the count."""
    from .models import PasswordResetRequest

    now = timezone.now()
    since = now - dt.timedelta(seconds=int(getattr(settings, "PORTAL_RESET_WINDOW_SECONDS", 3600)))
    per_account = int(getattr(settings, "PORTAL_RESET_LIMIT_PER_ACCOUNT", 3))
    per_address = int(getattr(settings, "PORTAL_RESET_LIMIT_PER_ADDRESS", 10))
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    address = client_ip(request)
    with transaction.atomic():
        PasswordResetRequest.objects.filter(at__lt=since).delete()
        PasswordResetRequest.objects.create(email_digest=digest, ip_address=address, at=now)
        recent = PasswordResetRequest.objects.filter(at__gte=since)
        by_account = recent.filter(email_digest=digest).count()
        by_address = recent.filter(ip_address=address).count() if address else 0
    return by_account <= per_account and by_address <= per_address
