"""Single flight: concurrent callers that need the same expensive value compute it one at a time, so the first
computes and caches it and the others, once they get their turn, find it cached (the API's response cache, the
count of a text's matches). Work is never shared across keys; a key's entry lives only while someone holds or awaits
it, so the table stays as small as the number of computations in progress."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager


class SingleFlight:
    def __init__(self, patience: float = 30.0) -> None:
        self.patience = patience
        self._lock = threading.Lock()
        self._flights: dict[Hashable, tuple[threading.Lock, int]] = {}  # key → (its lock, callers holding or awaiting)

    @contextmanager
    def one_at_a_time(self, key: Hashable) -> Iterator[None]:
        """Callers with the same ``key`` enter one after another; callers with other keys do not wait. The caller
        checks its cache again inside: the one before it may have filled it. A caller that has waited ``patience``
        seconds (the one before it is stuck: a lock, a lost connection) goes ahead without the key rather than
        park its worker thread for good. Not re-entrant: a caller must not ask for a key it holds."""
        with self._lock:
            lock, users = self._flights.get(key, (threading.Lock(), 0))
            self._flights[key] = (lock, users + 1)
        try:
            held = lock.acquire(timeout=self.patience)
            try:
                yield
            finally:
                if held:
                    lock.release()
        finally:
            with self._lock:
                lock, users = self._flights[key]
                if users == 1:
                    del self._flights[key]
                else:
                    self._flights[key] = (lock, users - 1)

    def in_progress(self) -> int:
        """How many keys are held or awaited now (tests: every caller lets go of its key)."""
        with self._lock:
            return len(self._flights)
