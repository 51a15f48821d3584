"""Celery tasks: thin wrappers that pass only strings and run the same code as the management commands.

Both are safe to run twice (the sweep relies on the ``notification_once`` constraint, the flush claims rows),
which is what ``acks_late`` redelivery needs. Tasks are queued only after commit (``delay_on_commit``).
"""

import datetime
import logging

from celery import shared_task

from . import outbox
from .reminders import run_reminders

logger = logging.getLogger(__name__)

FLUSH_MAX_RETRIES = 10


@shared_task(bind=True, name="linfen_admin.tasks.send_reminders_task", acks_late=True)
def send_reminders_task(self, as_of_iso: str | None = None, rule_codes: list[str] | None = None) -> dict:
    """The daily sweep (beat, 08:30 Asia/Shanghai). ``as_of_iso`` defaults to today in Asia/Shanghai.
    When it queued mail, the flush follows on the same queue, after commit."""
    as_of = datetime.date.fromisoformat(as_of_iso) if as_of_iso else None
    summary = run_reminders(as_of, rule_codes=rule_codes)
    if summary.emails:
        queue = (self.request.delivery_info or {}).get("routing_key")
        flush_outbox_task.apply_async_on_commit(**({"queue": queue} if queue else {}))
    return summary.as_dict()


@shared_task(
    bind=True, name="linfen_admin.tasks.flush_outbox_task", acks_late=True, max_retries=FLUSH_MAX_RETRIES
)
def flush_outbox_task(self) -> dict:
    """Send due digests. When the mail server fails, the digests go back to pending and the task retries with
    exponential backoff (the beat's 15-minute flush picks them up too)."""
    result = outbox.flush_outbox()
    if result.retry_later or result.released:
        countdown = outbox.backoff_seconds(self.request.retries + 1)
        logger.warning("mail server trouble (%s); flush retries in %s s", result.last_error, countdown)
        raise self.retry(countdown=countdown, exc=outbox.MailServerUnavailable(result.last_error))
    return result.as_dict()


@shared_task(name="linfen_admin.tasks.run_job_task", acks_late=True)
def run_job_task(job_id: str) -> str:
    """A background job (``linfen_admin.jobs``). A redelivered job that was already running is ended as
    interrupted, never run twice."""
    from .jobs import run_job

    job = run_job(job_id)
    return job.state if job else "missing"
