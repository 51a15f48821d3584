"""Background jobs: an import, export or sweep that takes more than a few seconds runs outside the request.

``job_start`` records a ``Job`` and, after commit, hands its id to the runner: a Celery task when a broker is
configured (``REDIS_URL``), otherwise a thread of the web process, so the zero-set-up server behaves the same
(``JOBS_RUNNER`` overrides: ``"sync"`` in the tests). The page of a job (``/jobs/<id>/``) shows a progress bar that
polls ``/jobs/<id>/status/``; it is a URL of its own, so it survives a reload, and lists the result and the file
when the job ends. The management commands do not use this: they still run the same services inline.

Progress is kept in the cache, not in the row: the work may run in one transaction (an import is all or nothing)
that no other connection can see into until it commits. The row holds the state and the result.
"""

import datetime
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job
from .registry import JobKind, registry

logger = logging.getLogger(__name__)

PROGRESS_TTL = 24 * 3600
PROGRESS_EVERY = 0.5  # seconds between two progress writes to the cache


@dataclass
class JobOutcome:
    """What a job's ``run`` returns: a sentence for the user, optional detail lines (e.g. the rows an import
    refused) and optionally a file it wrote under ``jobs_root()`` (``file_path``, shown as ``file_name``)."""

    message: str
    details: list[str] = field(default_factory=list)
    file_name: str = ""
    file_path: Path | None = None


class JobFailed(Exception):
    """Raised by a job's ``run`` to end it as 失败 with a message (and detail lines) the user can act on."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


def jobs_root() -> Path:
    """Where job files are written: private (served only to their owner) and not backed up."""
    folder = Path(settings.JOBS_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_file_path(suffix: str) -> Path:
    return jobs_root() / f"{uuid.uuid4().hex}{suffix}"


def kind_of(code: str) -> JobKind:
    return registry.job_kinds[code]


def job_start(*, actor, kind: str, label: str, params: dict | None = None) -> Job:
    """Record a job for ``actor`` and start it after commit. Refused (PermissionDenied) without the kind's
    permission."""
    job_kind = kind_of(kind)
    if not actor.has_perm(job_kind.permission):
        raise PermissionDenied
    sweep()
    job = Job.objects.create(kind=kind, label=label[:200], owner=actor, params=params or {})
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def sweep() -> int:
    """Forget jobs older than ``JOBS_KEEP_DAYS`` and delete their files."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(created_at__lt=cutoff)
    for name in old.exclude(file_path="").values_list("file_path", flat=True):
        (jobs_root() / Path(name).name).unlink(missing_ok=True)
    return old.delete()[0]


def runner() -> str:
    return settings.JOBS_RUNNER or ("celery" if settings.REDIS_URL else "thread")


def dispatch(job_id) -> None:
    how = runner()
    if how == "celery":
        from .tasks import run_job_task

        run_job_task.delay(str(job_id))
    elif how == "thread":
        threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True, name=f"job-{job_id}").start()
    else:
        run_job(job_id)


def _run_in_thread(job_id) -> None:
    try:
        run_job(job_id)
    finally:
        close_old_connections()


def run_job(job_id) -> Job | None:
    """Run a queued job once. A job found already running was interrupted (a worker died, the task was
    redelivered): it is ended as 失败 rather than run twice; finished jobs are left alone."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.filter(pk=job_id).select_related("owner").first()
    if job is None:
        return None
    if not claimed:
        if job.state == Job.State.RUNNING:
            _finish(job, Job.State.FAILED, _("任务被中断,请重新提交。"))
        return job
    reporter = Reporter(job)
    try:
        if not job.owner.is_active or not job.owner.has_perm(kind_of(job.kind).permission):
            raise JobFailed(_("提交人已无此权限,任务未执行。"))
        outcome = kind_of(job.kind).run(job, reporter)
    except JobFailed as exc:
        _finish(job, Job.State.FAILED, exc.message, details=exc.details)
    except ValidationError as exc:
        _finish(job, Job.State.FAILED, ";".join(exc.messages))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, _("任务出错,未能完成;已记录日志,请联系系统管理员。"))
    else:
        if outcome.file_path is not None:
            job.file_name, job.file_path = outcome.file_name, outcome.file_path.name
        reporter.finish()
        _finish(job, Job.State.DONE, outcome.message, details=outcome.details)
    return job


def _finish(job: Job, state: str, message: str, *, details: list[str] | None = None) -> None:
    job.done, job.total = progress(job)  # the last figures reported, kept on the row once the job ends
    job.state, job.message, job.details = state, message, (details or [])[:200]
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "state",
            "message",
            "details",
            "file_name",
            "file_path",
            "finished_at",
            "done",
            "total",
        ]
    )
    cache.delete(_key(job.pk))


def _key(job_id) -> str:
    return f"linfen:job:{job_id}:progress"


class Reporter:
    """``report(done, total)`` for a job's ``run``: written to the cache at most every half second."""

    def __init__(self, job: Job):
        self.job = job
        self.done = self.total = 0
        self._written = 0.0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self._written >= PROGRESS_EVERY or done >= total:
            cache.set(_key(self.job.pk), (done, total), PROGRESS_TTL)
            self._written = now

    def finish(self) -> None:
        if self.total:
            cache.set(_key(self.job.pk), (self.total, self.total), PROGRESS_TTL)


def progress(job: Job) -> tuple[int, int]:
    """(done, total) as the job last reported it; the row's figures once it has finished."""
    if job.finished:
        return job.done, job.total
    return cache.get(_key(job.pk)) or (job.done, job.total)


def jobs_of(user):
    """The user's own jobs, newest first: a job is private to the person who started it."""
    return Job.objects.filter(owner=user)


def job_file(job: Job) -> Path | None:
    if not job.file_path:
        return None
    path = jobs_root() / Path(job.file_path).name
    return path if path.is_file() else None


def status(job: Job) -> dict:
    """What the progress bar polls."""
    done, total = progress(job)
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "done": done,
        "total": total,
        "percent": int(done * 100 / total) if total else (100 if job.state == Job.State.DONE else 0),
        "finished": job.finished,
        "message": job.message,
    }
