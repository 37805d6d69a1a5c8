"""A JSON boolean field that takes only `true` and `false`: marshmallow's `Boolean` also takes
1, 0, "yes", "on" and the like (and `0 in {False}` holds in Python), so `{"published": 0}`
would quietly mean false."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields


class Flag(fields.Boolean):
    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
