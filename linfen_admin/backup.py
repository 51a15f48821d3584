"""Backup and restore of everything the product keeps: the database (audit rows included) and the uploaded files.

One archive, ``linfen-backup-<local time>.tar.gz``:
- ``manifest.json`` — when, which database engine, the applied migrations, how many files;
- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite's online backup API,
  a consistent copy while the site runs);
- ``media/`` — the private uploads under ``MEDIA_ROOT``.
``restore`` puts an archive into an *empty* database (``pg_restore``; for SQLite a new database file) and the files
back under ``MEDIA_ROOT``. It refuses a database that already has tables: restoring over live data is not a restore.
"""

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` from PATH, or from PG_BIN_DIR, or the newest /usr/lib/postgresql/*/bin."""
    candidates = [os.environ.get("PG_BIN_DIR", "")] + sorted(
        (str(path) for path in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True
    )
    for directory in candidates:
        if directory and (Path(directory) / name).exists():
            return str(Path(directory) / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}:请安装 postgresql-client,或设置 PG_BIN_DIR")
    return found


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def backup(output_dir: Path, *, db: dict | None = None) -> Path:
    """Write one archive into ``output_dir`` and return its path."""
    db = db or settings.DATABASES["default"]
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"linfen-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    media = [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if db["ENGINE"] == "django.db.backends.postgresql":
            dump = work / PG_DUMP
            args, env = _pg_args(db)
            subprocess.run(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    *args,
                    "--file",
                    str(dump),
                    str(db["NAME"]),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        elif db["ENGINE"] == "django.db.backends.sqlite3":
            dump = work / SQLITE_DUMP
            connection.ensure_connection()
            with sqlite3.connect(dump) as copy:
                connection.connection.backup(copy)
            copy.close()
        else:
            raise BackupError(f"不支持的数据库:{db['ENGINE']}")
        manifest = {
            "created_at": timezone.localtime().isoformat(),
            "engine": db["ENGINE"],
            "migrations": sorted(
                f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
            ),
            "media_files": len(media),
        }
        with tarfile.open(target, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for path in media:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
    os.chmod(target, 0o600)
    return target


def read_manifest(archive_path: Path) -> dict:
    with tarfile.open(archive_path, "r:gz") as archive:
        return json.loads(archive.extractfile(MANIFEST).read())


def restore(archive_path: Path, *, db: dict, media_root: Path) -> dict:
    """Restore ``archive_path`` into the empty database ``db`` and the files under ``media_root``."""
    manifest = read_manifest(archive_path)
    if manifest["engine"] != db["ENGINE"]:
        raise BackupError(f"备份来自 {manifest['engine']},不能恢复到 {db['ENGINE']}")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")  # no absolute paths, no "..", no links out
        work = Path(work)
        if db["ENGINE"] == "django.db.backends.postgresql":
            args, env = _pg_args(db)
            listing = subprocess.run(
                [
                    _pg_tool("psql"),
                    *args,
                    "--dbname",
                    str(db["NAME"]),
                    "--tuples-only",
                    "--no-align",
                    "--command",
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            if int(listing.stdout.strip() or 0):
                raise BackupError("目标数据库不是空库:请新建一个空数据库再恢复")
            subprocess.run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    *args,
                    "--dbname",
                    str(db["NAME"]),
                    str(work / PG_DUMP),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            target = Path(db["NAME"])
            if target.exists() and target.stat().st_size:
                raise BackupError(f"目标数据库文件 {target} 已存在:请指定一个新文件再恢复")
            with sqlite3.connect(work / SQLITE_DUMP) as source, sqlite3.connect(target) as copy:
                source.backup(copy)
            copy.close()
            source.close()
        media_src = work / "media"
        restored = 0
        if media_src.exists():
            for path in media_src.rglob("*"):
                if path.is_file():
                    destination = Path(media_root) / path.relative_to(media_src)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination)
                    restored += 1
    return {**manifest, "media_restored": restored}
