"""`flask credits import FILE.csv`: all rows or none, with row and column errors."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.credits.catalogue import LotFields, new_lot, overlapping
from backend.credits.models import Lot, Project, Standard
from backend.credits.schemas import LotFieldsSchema

COLUMNS = [
    "standard",
    "project_registry_id",
    "vintage",
    "serial_range",
    "first_unit",
    "last_unit",
    "acquisition_cost_fen",
    "price_fen_per_t",
]
INTEGERS = {"vintage", "first_unit", "last_unit", "acquisition_cost_fen", "price_fen_per_t"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


class ImportRejected(Exception):
    """The file has errors; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


def import_lots(s: Session, text: str) -> list[Lot]:
    """Validate every row, then add every lot in the caller's transaction, or raise
    ImportRejected having added none."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing or extra:
        raise ImportRejected(
            [RowError(1, c, "missing column") for c in missing]
            + [RowError(1, c, "unknown column") for c in extra]
        )
    errors: list[RowError] = []
    lots: list[tuple[int, Lot]] = []
    schema = LotFieldsSchema()
    for n, raw in enumerate(reader, start=2):
        lot = _row(s, schema, n, raw, errors)
        if lot is None:
            continue
        for m, other in lots:
            if (
                other.standard == lot.standard
                and other.first_unit <= lot.last_unit
                and lot.first_unit <= other.last_unit
            ):
                errors.append(RowError(n, "first_unit", f"units overlap row {m}"))
        clash = overlapping(s, lot)
        if clash is not None:
            errors.append(RowError(n, "first_unit", f"units overlap existing lot {clash.id}"))
        lots.append((n, lot))
    if not lots and not errors:
        errors.append(RowError(2, "standard", "the file has no rows"))
    if errors:
        raise ImportRejected(errors)
    s.add_all(lot for _, lot in lots)
    s.flush()
    return [lot for _, lot in lots]


def _row(
    s: Session, schema: LotFieldsSchema, n: int, raw: dict[str, str | None], errors: list[RowError]
) -> Lot | None:
    before = len(errors)
    values: dict[str, object] = {}
    for col in INTEGERS:
        text = (raw.get(col) or "").strip()
        try:
            values[col] = int(text)
        except ValueError:
            errors.append(RowError(n, col, f"not a whole number: {text!r}"))
    values["serial_range"] = (raw.get("serial_range") or "").strip()
    fields: LotFields | None = None
    if len(errors) == before:
        try:
            fields = schema.load(values)
        except ValidationError as exc:
            messages = exc.normalized_messages()
            errors.extend(RowError(n, str(c), "; ".join(map(str, m))) for c, m in messages.items())
    std_text = (raw.get("standard") or "").strip()
    try:
        standard = Standard(std_text)
    except ValueError:
        errors.append(RowError(n, "standard", f"not one of CCER, CDCER, VCU, CER: {std_text!r}"))
        return None
    registry_id = (raw.get("project_registry_id") or "").strip()
    project = s.scalars(
        select(Project).where(Project.standard == standard, Project.registry_id == registry_id)
    ).first()
    if project is None:
        errors.append(RowError(n, "project_registry_id", f"no {standard} project {registry_id!r}"))
        return None
    return new_lot(project, fields) if fields is not None else None
