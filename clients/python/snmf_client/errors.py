"""Errors raised by the client."""


class ApiError(Exception):
    """An RFC 9457 problem answered by the service (4xx/5xx)."""

    def __init__(self, status, title=None, detail=None, body=None):
        self.status = status
        self.title = title
        self.detail = detail
        self.body = body
        super().__init__(f"{status} {title or ''}: {detail or body or ''}".strip())


class JobFailed(Exception):
    """A job ended FAILED or CANCELLED; ``job`` is its final state."""

    def __init__(self, job):
        self.job = job
        detail = (job.error or {}).get("detail") if job.error else None
        super().__init__(f"job {job.id} ({job.type}) ended {job.status}: {detail or job.message or ''}")
