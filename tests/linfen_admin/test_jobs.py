"""Background jobs (issue 11): a job is the owner's alone, runs once, reports progress while it runs, ends as
已完成 or 失败 with a message in words, and starts through Celery when a broker is configured, a thread
otherwise."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from linfen_admin import jobs
from linfen_admin.models import Job
from linfen_admin.registry import JobKind, registry

seen = {}


def _work(job, report):
    report(3, 10)
    seen["progress"] = jobs.status(Job.objects.get(pk=job.pk))  # what the bar reads while the job runs
    if job.params.get("fail") == "words":
        raise jobs.JobFailed("第 2 行有误", ["第 2 行 面积:不是数字"])
    if job.params.get("fail") == "bug":
        raise RuntimeError("secret internals")
    path = jobs.new_file_path(".txt")
    path.write_text("内容", encoding="utf-8")
    report(10, 10)
    return jobs.JobOutcome(message="完成了 10 项", file_name="结果.txt", file_path=path)


@pytest.fixture(autouse=True)
def test_kind(settings, tmp_path):
    settings.JOBS_ROOT = tmp_path / "jobs"
    registry.job_kinds["tests.work"] = JobKind("tests.work", "测试任务", "land.view_parcel", _work)
    yield "tests.work"
    registry.job_kinds.pop("tests.work", None)
    seen.clear()


def _start(user, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        return jobs.job_start(actor=user, kind="tests.work", label="测试任务", params=params)


def test_a_job_runs_after_commit_reports_progress_and_keeps_its_result(
    users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_start(actor=users["city_land"], kind="tests.work", label="测试任务")
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED  # nothing runs before the commit
    callbacks[0]()
    job.refresh_from_db()
    assert seen["progress"]["state"] == "running" and (
        seen["progress"]["done"],
        seen["progress"]["total"],
    ) == (
        3,
        10,
    )
    assert seen["progress"]["percent"] == 30 and seen["progress"]["state_label"] == "进行中"
    assert (job.state, job.message, job.done, job.total) == ("done", "完成了 10 项", 10, 10)
    assert job.started_at and job.finished_at and jobs.job_file(job).read_text(encoding="utf-8") == "内容"


def test_without_the_permission_a_job_is_not_started(users):
    with pytest.raises(PermissionDenied):
        jobs.job_start(actor=users["city_industry"], kind="tests.work", label="测试任务")
    assert not Job.objects.exists()


def test_a_failure_in_words_is_shown_and_an_internal_error_is_not(users, django_capture_on_commit_callbacks):
    words = _start(users["city_land"], django_capture_on_commit_callbacks, fail="words")
    bug = _start(users["city_land"], django_capture_on_commit_callbacks, fail="bug")
    words.refresh_from_db()
    bug.refresh_from_db()
    assert (words.state, words.message, words.details) == ("failed", "第 2 行有误", ["第 2 行 面积:不是数字"])
    assert bug.state == "failed" and "secret" not in bug.message and "系统管理员" in bug.message


def test_a_job_runs_once_and_an_interrupted_one_is_not_run_again(users, django_capture_on_commit_callbacks):
    job = _start(users["city_land"], django_capture_on_commit_callbacks)
    finished_at = Job.objects.get(pk=job.pk).finished_at
    jobs.run_job(job.pk)  # a redelivered task after the job finished
    assert Job.objects.get(pk=job.pk).finished_at == finished_at
    stuck = Job.objects.create(
        kind="tests.work", label="x", owner=users["city_land"], state=Job.State.RUNNING
    )
    seen.clear()
    jobs.run_job(stuck.pk)  # the worker died while it ran
    stuck.refresh_from_db()
    assert stuck.state == "failed" and "中断" in stuck.message and "progress" not in seen


def test_an_owner_who_lost_the_permission_gets_no_result(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_start(actor=users["city_land"], kind="tests.work", label="测试任务")
    users["city_land"].is_active = False
    users["city_land"].save(update_fields=["is_active"])
    callbacks[0]()
    job.refresh_from_db()
    assert job.state == "failed" and "权限" in job.message and "progress" not in seen


def test_the_pages_are_the_owners_alone(client, users, django_capture_on_commit_callbacks):
    job = _start(users["city_land"], django_capture_on_commit_callbacks)
    client.force_login(users["city_land"])
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "已完成" in page and "完成了 10 项" in page and "下载 结果.txt" in page
    status = client.get(reverse("job-status", args=[job.pk])).json()
    assert status == {
        "state": "done",
        "state_label": "已完成",
        "done": 10,
        "total": 10,
        "percent": 100,
        "finished": True,
        "message": "完成了 10 项",
    }
    download = client.get(reverse("job-download", args=[job.pk]))
    assert b"".join(download.streaming_content).decode() == "内容"
    assert "测试任务" in client.get(reverse("job-list")).content.decode()
    for other in ("yaodu_land", "admin"):
        client.force_login(users[other])
        for name in ("job-detail", "job-status", "job-download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)
        assert "测试任务" not in client.get(reverse("job-list")).content.decode()


def test_a_running_job_polls_its_status_and_a_finished_one_does_not(client, users):
    running = Job.objects.create(kind="tests.work", label="进行中的任务", owner=users["city_land"])
    client.force_login(users["city_land"])
    page = client.get(reverse("job-detail", args=[running.pk])).content.decode()
    assert f'data-job-status-url="{reverse("job-status", args=[running.pk])}"' in page
    assert "可以离开或刷新本页" in page
    running.state = Job.State.DONE
    running.save()
    assert 'data-job-status-url=""' in client.get(reverse("job-detail", args=[running.pk])).content.decode()


def test_with_a_broker_the_job_goes_through_the_celery_task(
    settings, users, django_capture_on_commit_callbacks
):
    from linfen_admin.celery import app

    settings.JOBS_RUNNER = "celery"
    app.conf.task_always_eager = True  # the task runs here, through Celery's own call path
    try:
        job = _start(users["city_land"], django_capture_on_commit_callbacks)
    finally:
        app.conf.task_always_eager = False
    assert Job.objects.get(pk=job.pk).state == "done"


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_job_runs_in_a_thread_of_the_web_process(settings, users):
    owner = users["city_land"]
    settings.JOBS_RUNNER = ""
    settings.REDIS_URL = ""
    assert jobs.runner() == "thread"
    job = jobs.job_start(actor=owner, kind="tests.work", label="线程任务")  # autocommit: dispatched at once
    for thread in threading.enumerate():
        if thread.name == f"job-{job.pk}":
            thread.join(timeout=30)
    assert Job.objects.get(pk=job.pk).state == "done"


def test_old_jobs_and_their_files_are_forgotten(users, django_capture_on_commit_callbacks):
    old = _start(users["city_land"], django_capture_on_commit_callbacks)
    path = jobs.job_file(Job.objects.get(pk=old.pk))
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = _start(users["city_land"], django_capture_on_commit_callbacks)  # starting a job sweeps
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not path.exists()
