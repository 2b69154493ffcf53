"""The one HTTP path every source uses: one connection, paced request starts, timeouts,
and retries with exponential backoff and jitter. Parsing stays in the source modules."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

T = TypeVar("T")


class RetryableResponse(Exception):
    """A response that is worth asking again for (throttled, overloaded, truncated, malformed)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class SourceError(Exception):
    """A request that failed for good; the message is safe to print (no headers, no key)."""


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise SourceError(f"environment variable {name}={value!r} is not a number") from None


@dataclass(frozen=True)
class Policy:
    """Pacing and retry policy of one service."""

    min_interval: float  # seconds between request starts
    timeout: float = 60.0
    attempts: int = 5
    backoff_base: float = 2.0
    backoff_cap: float = 60.0

    @classmethod
    def from_env(cls, prefix: str, min_interval: float) -> Policy:
        """Defaults follow the services' published limits; ``SURVEY_<SOURCE>_*`` variables exist
        for mirrors and for the project's loopback tests and benchmarks."""
        return cls(
            min_interval=_env_float(f"SURVEY_{prefix}_INTERVAL", min_interval),
            timeout=_env_float(f"SURVEY_{prefix}_TIMEOUT", 60.0),
            attempts=int(_env_float(f"SURVEY_{prefix}_ATTEMPTS", 5)),
            backoff_base=_env_float(f"SURVEY_{prefix}_BACKOFF", 2.0),
        )


@dataclass
class Stats:
    """What a client did, for the run summary and the benchmark."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    waiting: float = 0.0  # seconds spent pacing, backing off, or waiting for responses


class PacedClient:
    """An httpx client with a single connection whose request starts are at least
    ``policy.min_interval`` apart, retried on transient failures."""

    def __init__(
        self, policy: Policy, headers: dict[str, str] | None = None, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.policy = policy
        self.stats = Stats()
        self._sleep = sleep
        self._last_start: float | None = None
        self._client = httpx.Client(
            timeout=policy.timeout,
            headers={"User-Agent": "survey-fetch-refs/0.1", **(headers or {})},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=True,
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PacedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait_turn(self) -> None:
        if self._last_start is not None:
            delay = self._last_start + self.policy.min_interval - time.monotonic()
            if delay > 0:
                self._sleep(delay)
        self._last_start = time.monotonic()

    def request(self, method: str, url: str, handle: Callable[[httpx.Response], T], **kwargs: object) -> T:
        """Send a request and hand the response to ``handle``, which returns the parsed
        result or raises RetryableResponse; transport errors are retried too."""
        last_reason = "no attempt made"
        for attempt in range(self.policy.attempts):
            began = time.monotonic()
            self._wait_turn()
            self.stats.requests += 1
            retry_after: float | None = None
            try:
                try:
                    response = self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
                finally:
                    self.stats.waiting += time.monotonic() - began
                if response.status_code == 429:
                    self.stats.throttled += 1
                return handle(response)
            except RetryableResponse as exc:
                last_reason, retry_after = str(exc), exc.retry_after
            except (httpx.TransportError, httpx.DecodingError) as exc:
                last_reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if attempt + 1 < self.policy.attempts:
                self.stats.retries += 1
                delay = self._backoff(attempt, retry_after)
                self._sleep(delay)
                self.stats.waiting += delay
        raise SourceError(f"gave up after {self.policy.attempts} attempts: {last_reason}")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = min(self.policy.backoff_cap, self.policy.backoff_base * 2**attempt)
        delay *= random.uniform(0.5, 1.0)  # jitter: clients that failed together retry apart
        return float(max(delay, retry_after or 0.0))


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds (delta form; HTTP dates are rare here and ignored)."""
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def check_status(response: httpx.Response, service: str) -> None:
    """Raise RetryableResponse for 429/5xx; SourceError for other non-2xx statuses."""
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableResponse(f"{service} answered HTTP {response.status_code}", retry_after_seconds(response))
    if response.status_code >= 400:
        raise SourceError(f"{service} answered HTTP {response.status_code}: {response.text[:200]}")
