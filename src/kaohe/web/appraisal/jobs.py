"""Long steps (checking and loading an uploaded file) run in the background: a `Job` row holds
the progress the page polls, so the page stays usable while the file is read.

The work runs in a thread of the web process; with `KAOHE_JOBS_INLINE = True` (the command line,
and the quick test suites, whose in-memory SQLite answers a second writer thread with "table is
locked") it runs before `start()` returns. The browser suite runs jobs in the background, as here,
on a file-based SQLite test database (tests/browser/conftest.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from kaohe.web.appraisal.models import Job


def progress_of(job: Job, total: int | None = None) -> Callable[[int], None]:
    """A callback that stores how many rows are done (at most every 2 % of the file)."""
    last = [0]
    step = max(1, (total or 0) // 50)
    if total:
        Job.objects.filter(pk=job.pk).update(total=total)

    def report(done: int) -> None:
        if done - last[0] >= step:
            last[0] = done
            Job.objects.filter(pk=job.pk).update(done=done)

    return report


def start(job: Job, work: Callable[[Job], Any]) -> Job:
    """Run `work(job)` in the background; its exception marks the job failed with the reason."""
    if getattr(settings, "KAOHE_JOBS_INLINE", False):
        _run(job.pk, work)
        job.refresh_from_db()
        return job
    thread = threading.Thread(target=_run_in_thread, args=(job.pk, work), daemon=True, name=f"kaohe-job-{job.pk}")
    thread.start()
    return job


def _run_in_thread(job_id: int, work: Callable[[Job], Any]) -> None:
    close_old_connections()
    try:
        _run(job_id, work)
    finally:
        connection.close()


def _run(job_id: int, work: Callable[[Job], Any]) -> None:
    from kaohe.web.errors import KaoheError

    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING)
    job = Job.objects.get(pk=job_id)
    try:
        work(job)
    except KaoheError as exc:
        Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, message_zh=exc.message_zh,
                                             message_en=exc.message_en, finished_at=timezone.now())
        return
    except Exception as exc:  # a job must end in a state the page can show, whatever went wrong
        Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, message_zh=f"处理失败：{exc}",
                                             message_en=f"The step failed: {exc}", finished_at=timezone.now())
        return
    Job.objects.filter(pk=job_id).update(status=Job.Status.DONE, finished_at=timezone.now())
