"""A project's documents: type by content (PDF, JPEG, PNG), size within
`REGISTRY_DOCUMENT_MAX_BYTES`, kept in the storage."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy.orm import Session

from backend.core import uow
from backend.core.db import random_id
from backend.core.errors import DomainError, NotFound, field_error
from backend.registry.models import ProjectDocument, RegistryProject
from backend.registry.storage import Storage

# The first bytes of each type we accept (ISO 32000-1:2008 §7.5.2 for PDF; ISO/IEC 10918-1:1994
# (JPEG) SOI marker followed by a marker's 0xFF; ISO/IEC 15948:2004 (PNG) signature).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


class FileTooLarge(DomainError):
    status, slug, title = 413, "file-too-large", "The file is too large"

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            "registry.file_too_large",
            params={"max_bytes": max_bytes},
            errors=[
                field_error("file", "registry.file_too_large", where="files", max_bytes=max_bytes)
            ],
        )


class UnsupportedFileType(DomainError):
    status, slug, title = 415, "unsupported-file-type", "The file's type is not accepted"

    def __init__(self) -> None:
        super().__init__(
            "registry.file_type",
            errors=[field_error("file", "registry.file_type", where="files")],
        )


def sniff(data: bytes) -> str | None:
    """The media type the content itself shows, or None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


@dataclass(frozen=True)
class Stored:
    """A file kept in the storage: its key, its type by content, its size and digest."""

    key: str
    content_type: str
    size: int
    sha256: str


def store(s: Session, storage: Storage, folder: str, data: bytes, max_bytes: int) -> Stored:
    """Check a file (size, type by content) and keep it under `folder`; it is deleted again if
    the unit of work rolls back (the registry's projects, the finance domain's evidence)."""
    if len(data) > max_bytes:
        raise FileTooLarge(max_bytes)
    kind = sniff(data)
    if kind is None:
        raise UnsupportedFileType
    key = f"{folder}/{random_id('doc_')}"
    storage.put(key, data, kind)
    uow.on_rollback(s, lambda: storage.delete(key))  # no file outlives a failed request
    return Stored(key, kind, len(data), hashlib.sha256(data).hexdigest())


def add(
    s: Session,
    storage: Storage,
    project: RegistryProject,
    *,
    title: str,
    filename: str,
    data: bytes,
    max_bytes: int,
    by_id: int | None,
) -> ProjectDocument:
    """Check and store one file of a project; the file is deleted if the unit of work rolls
    back."""
    kept = store(s, storage, f"projects/{project.id}", data, max_bytes)
    doc = ProjectDocument(
        project_id=project.id,
        title=title,
        filename=filename[-200:] or "document",
        content_type=kept.content_type,
        size=kept.size,
        sha256=kept.sha256,
        storage_key=kept.key,
        uploaded_by_id=by_id,
    )
    s.add(doc)
    s.flush()
    return doc


def get(s: Session, project: RegistryProject, document_id: int) -> ProjectDocument:
    doc = s.get(ProjectDocument, document_id)
    if doc is None or doc.project_id != project.id:
        raise NotFound("registry.no_such_document")
    return doc


FORM_OVERHEAD = 64 * 1024  # bytes of a multipart body besides the file (boundaries, title)


def limit_upload(endpoint: str) -> None:
    """For a blueprint's `before_request`: a POST to `endpoint` (a document upload) may be
    larger than other bodies, up to `REGISTRY_DOCUMENT_MAX_BYTES`; a body announced larger is
    refused before it is read, naming the field."""
    if request.endpoint != endpoint or request.method != "POST":
        return
    limit = current_app.config["REGISTRY_DOCUMENT_MAX_BYTES"]
    if (request.content_length or 0) > limit + FORM_OVERHEAD:
        raise FileTooLarge(limit)
    request.max_content_length = limit + FORM_OVERHEAD
