"""后台任务 pages: the user's own jobs, one job's progress bar, its status for the bar to poll and its file.

A job belongs to the person who started it: another user's job answers 404, whatever their role."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from . import jobs
from .lists import IdsFirstPaginator
from .models import Job


def _own_job(request, pk) -> Job:
    job = get_object_or_404(jobs.jobs_of(request.user), pk=pk)
    if job.kind not in jobs.registry.job_kinds or not request.user.has_perm(
        jobs.kind_of(job.kind).permission
    ):
        raise PermissionDenied
    return job


@login_required
def job_list(request):
    page = IdsFirstPaginator(jobs.jobs_of(request.user), 20).get_page(request.GET.get("page"))
    for job in page.object_list:
        job.done, job.total = jobs.progress(job)
    return render(request, "linfen_admin/jobs.html", {"page": page})


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    return render(request, "linfen_admin/job.html", {"job": job, "status": jobs.status(job)})


@login_required
def job_status(request, pk):
    return JsonResponse(jobs.status(_own_job(request, pk)))


@login_required
def job_download(request, pk):
    job = _own_job(request, pk)
    path = jobs.job_file(job) if job.state == Job.State.DONE else None
    if path is None:
        raise Http404(_("文件不存在或已过期。"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
