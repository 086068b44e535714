"""Rate limits, and the machine's cap on turns running at once.

Counted in sliding one-minute windows, so that many people can share a server without signing in
and without blocking each other, while a flood is still stopped with 429 and `Retry-After`:
- per session: `turns_per_minute` (one client flooding one session);
- per client: `client_turns_per_minute` and `sessions_per_minute`, where a client is the signed-in
  user, or else the address the request came from. A proxy's `X-Forwarded-For` counts only when the
  proxy itself is trusted (`forwarded_allow_ips`, as uvicorn's `--forwarded-allow-ips`), so nobody
  can pose as many clients by writing the header.
The windows live in the session store (`SessionStore.admit`): in memory for SQLite, in Redis shared
by every replica. The cap is per process, because it protects the machine: at most
`max_running_turns` turns run at once, `max_waiting_turns` more queue for a slot, and any further
one is refused at once.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from .errors import RateLimited

if TYPE_CHECKING:
    from .config import Settings

WINDOW_S = 60.0
BUSY_RETRY_S = 5.0  # what a refused turn is told to wait when the machine is full


class Admits(Protocol):
    """What the limiter needs of the session store (its windows live there: shared in Redis)."""

    def admit(self, key: str, per_minute: int) -> float: ...


class RateWindow:
    """Sliding one-minute windows of events, one per key, in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._guard = threading.Lock()

    def admit(self, key: str, per_minute: int) -> float:
        """Count an event for `key` and return 0, or, when the window is full, count nothing and
        return the seconds until the oldest event leaves it."""
        now = self._clock()
        with self._guard:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - WINDOW_S:
                events.popleft()
            if len(events) >= per_minute:
                return events[0] + WINDOW_S - now
            events.append(now)
            if len(self._events) > 10_000:  # forget idle keys so the table cannot grow without bound
                for k in [k for k, v in self._events.items() if not v or v[-1] <= now - WINDOW_S]:
                    del self._events[k]
            return 0.0


def _trust(spec: str) -> Callable[[str], bool]:
    """`forwarded_allow_ips` as a test of a peer: addresses and networks, other literals (a unix
    socket path, a test client's name) compared as they are, `*` for every peer; as uvicorn reads it."""
    items = {s.strip() for s in spec.split(",") if s.strip()}
    if "*" in items:
        return lambda address: True
    nets = []
    for item in items:
        with contextlib.suppress(ValueError):
            nets.append(ipaddress.ip_network(item, strict=False))

    def trusted(address: str) -> bool:
        if address in items:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip.version == n.version and ip in n for n in nets)

    return trusted


def client_address(peer: str | None, forwarded_for: str, trusted: str) -> str:
    """The address a request came from. The peer's own, unless the peer is a trusted proxy: then the
    nearest address in `X-Forwarded-For` that is not a trusted proxy (read from the right, as
    uvicorn does), or the leftmost when they all are."""
    peer = peer or "unknown"
    is_trusted = _trust(trusted)
    if not forwarded_for or not is_trusted(peer):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            return hop
    return hops[0] if hops else peer


class Limits:
    """The rate limits and the running-turns cap, read from the current settings on each call."""

    def __init__(self, settings: Callable[[], Settings], store: Admits):
        self._settings = settings
        self._store = store
        self._slots = threading.Condition()
        self._running = 0
        self._waiting = 0

    def _admit(self, key: str, per_minute: int, what: str) -> None:
        wait = self._store.admit(key, per_minute)
        if wait > 0:
            raise RateLimited(f"too many {what}: the limit is {per_minute} a minute; try again in {max(1, round(wait))} s",
                              retry_after=wait)

    def session_turn(self, session_id: str) -> None:
        """Count a turn of one session."""
        self._admit(f"session:{session_id}", self._settings().turns_per_minute, "turns in this session")

    def client_turn(self, client: str) -> None:
        """Count a turn of a client (`client_key`), whichever session it is in."""
        self._admit(f"client:{client}", self._settings().client_turns_per_minute, "turns from this client")

    def new_session(self, client: str) -> None:
        """Count a new session of a client (`client_key`)."""
        self._admit(f"new:{client}", self._settings().sessions_per_minute, "new sessions from this client")

    @contextmanager
    def running(self) -> Iterator[None]:
        """Hold one of the machine's turn slots; queue for one, or be refused when the queue is full."""
        with self._slots:
            if self._running >= self._settings().max_running_turns:
                if self._waiting >= self._settings().max_waiting_turns:
                    raise RateLimited(f"the server is busy ({self._running} turns running, {self._waiting} waiting): "
                                      f"try again in {BUSY_RETRY_S:.0f} s", retry_after=BUSY_RETRY_S)
                self._waiting += 1
                try:
                    while self._running >= self._settings().max_running_turns:
                        self._slots.wait()
                finally:
                    self._waiting -= 1
            self._running += 1
        try:
            yield
        finally:
            with self._slots:
                self._running -= 1
                self._slots.notify()


def client_key(user: str | None, peer: str | None, forwarded_for: str, trusted: str) -> str:
    """Who a limit counts: the signed-in user, or else the address the request came from."""
    return f"user:{user}" if user else f"addr:{client_address(peer, forwarded_for, trusted)}"
