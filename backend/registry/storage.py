"""Where project documents are kept: one interface, a directory under the instance by default,
or an S3-compatible bucket (through boto3) when `REGISTRY_STORAGE=s3`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

EXTENSION = "registry_storage"


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under `root`, one per key, written whole (a temporary file renamed into place)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key {key!r} leaves the storage directory")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in one bucket of S3 or any S3-compatible store (MinIO, Aliyun OSS, COS)."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def from_config(config: dict[str, Any], instance_path: str) -> Storage:
    """The storage the settings name."""
    if config.get("REGISTRY_STORAGE", "local") == "s3":
        import boto3  # only deployments that store in S3 load it

        client = boto3.client(
            "s3",
            endpoint_url=config.get("REGISTRY_S3_ENDPOINT_URL") or None,
            region_name=config.get("REGISTRY_S3_REGION") or None,
            aws_access_key_id=config.get("REGISTRY_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("REGISTRY_S3_SECRET_ACCESS_KEY") or None,
        )
        return S3Storage(config["REGISTRY_S3_BUCKET"], client)
    return LocalStorage(Path(instance_path) / "registry-documents")


def current() -> Storage:
    """The app's storage, made once from its settings."""
    app = current_app
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = from_config(app.config, app.instance_path)
    storage: Storage = app.extensions[EXTENSION]
    return storage
