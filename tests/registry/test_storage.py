"""The document storage: local files under the instance, and S3 through real boto3 against
moto's S3 server on a local port (an HTTP endpoint, as MinIO or OSS would be)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from backend.core.config import Config, ConfigError
from backend.registry import storage
from backend.registry.documents import sniff
from backend.registry.storage import LocalStorage, S3Storage
from tests.registry.conftest import PDF

BUCKET = "dd-registry-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _settings(endpoint: str) -> dict[str, str]:
    return {
        "REGISTRY_STORAGE": "s3",
        "REGISTRY_S3_BUCKET": BUCKET,
        "REGISTRY_S3_ENDPOINT_URL": endpoint,
        "REGISTRY_S3_REGION": "us-east-1",
        "REGISTRY_S3_ACCESS_KEY_ID": "test",
        "REGISTRY_S3_SECRET_ACCESS_KEY": "test",
    }


def test_s3_storage_puts_and_gets_through_boto3(s3_endpoint, tmp_path):
    settings = _settings(s3_endpoint)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    made = storage.from_config(settings, str(tmp_path))
    assert isinstance(made, S3Storage)
    made.put("projects/1/doc_a", PDF, "application/pdf")
    assert made.get("projects/1/doc_a") == PDF
    head = client.head_object(Bucket=BUCKET, Key="projects/1/doc_a")
    assert head["ContentType"] == "application/pdf"
    assert not (tmp_path / "registry-documents").exists()
    made.delete("projects/1/doc_a")
    assert client.list_objects_v2(Bucket=BUCKET, Prefix="projects/1/doc_a")["KeyCount"] == 0


def test_uploads_go_to_the_bucket_when_configured(app, client, owner, s3_endpoint):
    import io

    from tests.registry.conftest import register

    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    before = app.extensions.pop(storage.EXTENSION, None)
    saved = {k: app.config.get(k) for k in _settings(s3_endpoint)}
    app.config.update(_settings(s3_endpoint))
    try:
        pid = register(client, owner).get_json()["id"]
        doc = client.post(
            f"/api/v1/registry/projects/{pid}/documents",
            data={"title": "审定报告", "file": (io.BytesIO(PDF), "v.pdf")},
            headers=owner.headers,
            content_type="multipart/form-data",
        ).get_json()
        assert isinstance(app.extensions[storage.EXTENSION], S3Storage)
        got = client.get(
            f"/api/v1/registry/projects/{pid}/documents/{doc['id']}", headers=owner.headers
        )
        assert got.data == PDF
    finally:
        app.config.update(saved)
        app.extensions.pop(storage.EXTENSION, None)
        if before is not None:
            app.extensions[storage.EXTENSION] = before


def test_local_storage_stays_in_its_directory(tmp_path):
    local = LocalStorage(tmp_path)
    local.put("projects/2/doc_b", PDF, "application/pdf")
    assert (tmp_path / "projects/2/doc_b").read_bytes() == PDF
    with pytest.raises(ValueError, match="leaves"):
        local.put("../escape", PDF, "application/pdf")


def test_s3_without_a_bucket_is_refused_at_start(tmp_path):
    with pytest.raises(ConfigError, match="REGISTRY_S3_BUCKET"):
        Config(INSTANCE_PATH=str(tmp_path), SECRET_KEY="k", REGISTRY_STORAGE="s3").finalise()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "application/pdf"),
        (b"\xff\xd8\xff\xdb", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),  # a .docx or .zip
        (b"", None),
    ],
)
def test_types_are_judged_by_content(data, kind):
    assert sniff(data) == kind
