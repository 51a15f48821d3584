"""Backup and restore: an archive of the database and the uploads, restored into an empty database, finds every
record — audit rows and documents included. SQLite here; PostgreSQL (pg_dump/pg_restore) where CI provides it."""

import datetime
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from linfen_admin.backup import BackupError, read_manifest, restore

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def records(users, tmp_path, settings):
    """A parcel with a disposal (audited), an application with an uploaded document."""
    from land import services as land_services
    from land.seed import load_land_reference
    from linfen_admin.models import Region
    from subsidies import services as subsidy_services
    from subsidies.seed import load_seed
    from tests.subsidies.conftest import ApplicationFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    load_land_reference()
    load_seed()
    parcel = land_services.parcel_create(
        actor=users["city_land"],
        data={
            "region": Region.objects.get(name="尧都区"),
            "kind": "unsupplied",
            "code": "BK-1",
            "name": "备份地块",
            "area_mu": Decimal("10"),
        },
    )
    land_services.disposal_record(
        actor=users["city_land"],
        parcel=parcel,
        disposed_on=datetime.date(2022, 5, 20),
        area_mu=Decimal("4"),
        method="accelerate",
    )
    application = ApplicationFactory()
    document = subsidy_services.document_upload(
        actor=users["yaodu_industry"],
        application=application,
        uploaded_file=SimpleUploadedFile("申报书.pdf", PDF),
    )
    from linfen_admin.models import AuditEvent

    return {"audit": AuditEvent.objects.count(), "document": document.file.name}


TABLES = ("land_parcel", "land_disposalrecord", "linfen_admin_auditevent", "subsidies_document")


def _restore_into_a_new_database(archive: Path, tmp_path: Path):
    """Restore into a database created for the purpose (a new file on SQLite, a new database on PostgreSQL);
    return the row counts found there and a cleanup callable."""
    db = settings.DATABASES["default"]
    media = tmp_path / "restored-media"
    if db["ENGINE"] == "django.db.backends.sqlite3":
        target = {"ENGINE": db["ENGINE"], "NAME": str(tmp_path / "restored.sqlite3")}
        result = restore(archive, db=target, media_root=media)
        with sqlite3.connect(target["NAME"]) as restored:
            counts = {
                table: restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
            }
        restored.close()
        return target, media, result, counts, lambda: None
    import psycopg

    name = f"linfen_restore_{uuid.uuid4().hex[:8]}"
    params = {
        "host": db["HOST"],
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    target = {**db, "NAME": name}
    try:
        result = restore(archive, db=target, media_root=media)
        with psycopg.connect(dbname=name, **params) as restored:
            counts = {
                table: restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
            }
            with pytest.raises(psycopg.errors.RaiseException):  # the append-only trigger came along
                restored.execute("UPDATE linfen_admin_auditevent SET comment = 'x'")
    except Exception:
        drop()
        raise
    return target, media, result, counts, drop


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_record(records, tmp_path):
    call_command("backup", output=str(tmp_path / "backups"), verbosity=0)
    [archive] = (tmp_path / "backups").glob("linfen-backup-*.tar.gz")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    manifest = read_manifest(archive)
    assert manifest["media_files"] == 1 and "land.0002_parcel_supervise_permission" in manifest["migrations"]
    target, media, result, counts, cleanup = _restore_into_a_new_database(archive, tmp_path)
    try:
        assert result["media_restored"] == 1
        assert counts == {
            "land_parcel": 1,
            "land_disposalrecord": 1,
            "linfen_admin_auditevent": records["audit"],
            "subsidies_document": 1,
        }
        assert (media / records["document"]).read_bytes() == PDF
        with pytest.raises(BackupError):  # never over a database that has data
            restore(archive, db=target, media_root=tmp_path / "again")
    finally:
        cleanup()
