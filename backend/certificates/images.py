"""Rendered certificate PNGs: rendered once per content and width, then served from memory or
disk with a strong ETag.

The cache key is a digest of everything drawn (the view, with live registry status, and the
width), so a revocation or a registry retirement makes a new image by itself. Each worker also
remembers its latest public image per (number, width) for `FRESH_FOR`, with the check code that
opens it, serving it without a database read; a revocation made elsewhere shows within that
time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from backend.certificates.view import CertificateView

RENDER_VERSION = 1
FRESH_FOR = 30.0  # seconds a worker serves its remembered image without checking the database


@dataclass(frozen=True)
class Png:
    body: bytes
    etag: str


def content_key(view: CertificateView, width: int) -> str:
    """A digest of everything the image shows."""
    payload = {"v": RENDER_VERSION, "w": width, "view": asdict(view)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[
        :32
    ]


class ImageCache:
    """Disk (shared by workers, survives restarts) behind an in-memory LRU bounded in bytes."""

    def __init__(self, directory: Path, max_bytes: int = 64 * 2**20) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._memory: OrderedDict[str, Png] = OrderedDict()
        self._latest: dict[tuple[str, int], tuple[float, Png, str]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def recent(self, number: str, width: int, code: str | None) -> Png | None:
        """This worker's public image of (number, width) if it was checked within FRESH_FOR
        and `code` is its check code."""
        with self._lock:
            hit = self._latest.get((number, width))
        if hit is None or time.monotonic() - hit[0] > FRESH_FOR:
            return None
        typed = "".join((code or "").split()).upper()
        return hit[1] if hit[2] and hmac.compare_digest(typed.encode(), hit[2].encode()) else None

    def forget(self, number: str) -> None:
        with self._lock:
            for key in [k for k in self._latest if k[0] == number]:
                del self._latest[key]

    def get(
        self, view: CertificateView, width: int, render: Callable[[], bytes], public: bool = True
    ) -> Png:
        """The image of `view` at `width`, rendering it only if no cache holds it; remembered
        as the latest by number only when it is the `public` one."""
        key = content_key(view, width)
        png = self._from_memory(key) or self._from_disk(key)
        if png is None:
            png = Png(render(), key)
            self._to_disk(key, png.body)
        self._remember(key, png)
        if public:
            with self._lock:
                self._latest[(view.number, width)] = (time.monotonic(), png, view.check_code)
        return png

    def _from_memory(self, key: str) -> Png | None:
        with self._lock:
            png = self._memory.get(key)
            if png is not None:
                self._memory.move_to_end(key)
            return png

    def _remember(self, key: str, png: Png) -> None:
        with self._lock:
            if key in self._memory:
                return
            self._memory[key] = png
            self._size += len(png.body)
            while self._size > self.max_bytes and len(self._memory) > 1:
                _, old = self._memory.popitem(last=False)
                self._size -= len(old.body)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.png"

    def _from_disk(self, key: str) -> Png | None:
        try:
            return Png(self._path(key).read_bytes(), key)
        except FileNotFoundError:
            return None

    def _to_disk(self, key: str, body: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self._path(key).with_suffix(f".{threading.get_ident()}.tmp")
        tmp.write_bytes(body)
        tmp.replace(self._path(key))
