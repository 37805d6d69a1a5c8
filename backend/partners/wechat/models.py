"""Tables of this part of the domain."""

from __future__ import annotations
