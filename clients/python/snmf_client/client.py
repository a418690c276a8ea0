"""A small client for the snmf-service REST API (standard library only; tqdm and numpy are optional)."""

import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from .errors import ApiError, JobFailed
from .types import Comparison, Factorization, Feature, Job, Model, Score, VectorSet, VectorSetMember

DEFAULT_URL = "http://localhost:8080"


class SnmfClient:
    """Talks to one service. ``base_url`` defaults to ``$SNMF_URL``, ``api_key`` to ``$SNMF_API_KEY``; the key is
    sent as ``Authorization: Bearer <key>`` on every request when given."""

    def __init__(self, base_url=None, api_key=None, timeout=60.0):
        self.base_url = (base_url or os.environ.get("SNMF_URL") or DEFAULT_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("SNMF_API_KEY")
        self.timeout = timeout

    # ---- transport ----

    def request(self, method, path, body=None, content_type="application/json", headers=None, raw=False,
                binary=False):
        """Sends one request; returns parsed JSON (the text when ``raw``, the bytes when ``binary``); raises
        ApiError on 4xx/5xx."""
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        req.add_header("Accept", "application/json, application/problem+json, text/csv")
        if self.api_key:
            req.add_header("Authorization", "Bearer " + self.api_key)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                content = response.read()
                if binary:
                    return content
                text = content.decode("utf-8")
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            try:
                problem = json.loads(text)
            except ValueError:
                problem = {}
            raise ApiError(e.code, problem.get("title"), problem.get("detail"), text) from None
        if raw:
            return text
        return json.loads(text) if text else None

    def get(self, path, **query):
        query = {k: v for k, v in query.items() if v is not None}
        return self.request("GET", path + ("?" + urllib.parse.urlencode(query) if query else ""))

    def post(self, path, body, idempotency_key=None):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.request("POST", path, body, headers=headers)

    def delete(self, path):
        return self.request("DELETE", path)

    def pages(self, path, page_size=100, **query):
        """Iterates over every item of a paged list (``{items, page, size, total}``), fetching pages lazily."""
        page = 0
        while True:
            result = self.get(path, page=page, size=page_size, **query)
            for item in result["items"]:
                yield item
            page += 1
            if page * page_size >= result["total"] or not result["items"]:
                return

    def _multipart(self, path, fields, files):
        boundary = "snmf-" + uuid.uuid4().hex
        out = bytearray()
        for name, value in fields.items():
            out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()
        for name, (filename, content) in files.items():
            kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                    f"Content-Type: {kind}\r\n\r\n").encode()
            out += content + b"\r\n"
        out += f"--{boundary}--\r\n".encode()
        return self.request("POST", path, bytes(out), content_type="multipart/form-data; boundary=" + boundary)

    # ---- jobs ----

    def job(self, job_id):
        return Job.from_json(self.get(f"/v1/jobs/{job_id}"))

    def wait(self, job, timeout=600.0, poll=0.25, progress=None):
        """Polls a job until it finishes and returns it; raises JobFailed unless it SUCCEEDED.

        ``progress``: True shows a tqdm bar (a line per stage on stderr without tqdm), a callable is called with
        every new Job state, None is silent."""
        job_id = job.id if isinstance(job, Job) else int(job)
        report = _progress_reporter(progress)
        deadline = time.monotonic() + timeout
        try:
            while True:
                current = self.job(job_id)
                report(current)
                if current.finished:
                    if current.status != "SUCCEEDED":
                        raise JobFailed(current)
                    return current
                if time.monotonic() > deadline:
                    raise TimeoutError(f"job {job_id} still {current.status} after {timeout} s")
                time.sleep(poll)
        finally:
            getattr(report, "close", lambda: None)()

    # ---- models, datasets, factorizations ----

    def register_model(self, name, source, path=None, repo_id=None, revision=None):
        body = {"name": name, "source": source, "path": path, "repoId": repo_id, "revision": revision}
        return Model.from_json(self.post("/v1/models", {k: v for k, v in body.items() if v is not None}))

    def model(self, model_id):
        return Model.from_json(self.get(f"/v1/models/{model_id}"))

    def models(self, page_size=100):
        return (Model.from_json(m) for m in self.pages("/v1/models", page_size))

    def create_text_dataset(self, name, texts):
        return self.post("/v1/datasets", {"name": name, "kind": "text", "texts": list(texts)})["id"]

    def factorize(self, model_id, dataset_id, layer, k, idempotency_key=None, **options):
        body = dict(options, modelId=model_id, datasetId=dataset_id, layer=layer, k=k)
        return Job.from_json(self.post("/v1/factorizations", body, idempotency_key))

    def factorization(self, factorization_id):
        return Factorization.from_json(self.get(f"/v1/factorizations/{factorization_id}"))

    def features(self, factorization_id, page_size=100, **filters):
        """Every feature of a factorization as ``Feature``s, pages fetched lazily; ``filters``: level, sort, order,
        ... as the API takes them."""
        pages = self.pages(f"/v1/factorizations/{factorization_id}/features", page_size, **filters)
        return (Feature.from_json(f) for f in pages)

    def feature(self, feature_id):
        return Feature.from_json(self.get(f"/v1/features/{feature_id}"))

    def explain(self, factorization_id, level=0, contexts=10, detection_contexts=5):
        """Queues an explain job (needs the service's judge endpoint): descriptions scored by detection and fuzzing."""
        return Job.from_json(self.post(f"/v1/factorizations/{factorization_id}/explain",
                                       {"level": level, "contexts": contexts, "detectionContexts": detection_contexts}))

    def description(self, feature_id):
        return self.get(f"/v1/features/{feature_id}/description")

    def neuronpedia_export(self, factorization_id, destination, model_id=None, set_name=None, level=0):
        """Downloads the Neuronpedia upload ZIP (batch-N.json dashboards + explanations.jsonl) to ``destination``."""
        query = {k: v for k, v in {"modelId": model_id, "setName": set_name, "level": level}.items() if v is not None}
        data = self.request("GET", f"/v1/factorizations/{factorization_id}/export/neuronpedia?"
                            + urllib.parse.urlencode(query), binary=True)
        with open(destination, "wb") as f:
            f.write(data)
        return destination

    # ---- vector sets ----

    def upload_sae(self, model_id, name, directory=None, cfg=None, weights=None):
        """Imports an SAE saved in SAELens's layout (``cfg.json`` + ``sae_weights.safetensors``)."""
        cfg = cfg or os.path.join(directory, "cfg.json")
        weights = weights or os.path.join(directory, "sae_weights.safetensors")
        with open(cfg, "rb") as c, open(weights, "rb") as w:
            files = {"cfg": ("cfg.json", c.read()), "weights": ("sae_weights.safetensors", w.read())}
        return VectorSet.from_json(self._multipart("/v1/vector-sets",
                                                   {"modelId": model_id, "name": name, "kind": "sae"}, files))

    def upload_matrix(self, model_id, name, hook, matrix):
        """Uploads directions (one per row) as a vector set: a numpy array or the path of an .npy/.safetensors file."""
        if isinstance(matrix, (str, os.PathLike)):
            with open(matrix, "rb") as f:
                content, filename = f.read(), os.path.basename(str(matrix))
        else:
            content, filename = _npy_bytes(matrix), "matrix.npy"
        return VectorSet.from_json(self._multipart("/v1/vector-sets", {"modelId": model_id, "name": name,
                                                                       "kind": "matrix", "hook": hook},
                                                   {"file": (filename, content)}))

    def vector_set_from_factorization(self, name, factorization_id, level=0):
        return VectorSet.from_json(self.post("/v1/vector-sets", {"name": name, "source": "factorization",
                                                                 "factorizationId": factorization_id,
                                                                 "level": level}))

    def vector_set(self, set_id):
        return VectorSet.from_json(self.get(f"/v1/vector-sets/{set_id}"))

    def vector_sets(self, model_id=None, page_size=100):
        return (VectorSet.from_json(v) for v in self.pages("/v1/vector-sets", page_size, modelId=model_id))

    def members(self, set_id, page_size=200):
        return (VectorSetMember.from_json(m) for m in self.pages(f"/v1/vector-sets/{set_id}/members", page_size))

    def vector_set_matrix(self, set_id):
        """The set as a numpy array [size, d] (needs numpy)."""
        np = _numpy()
        return np.array([m.vector for m in self.members(set_id, 500)], dtype=np.float32)

    def encode(self, set_id, text, top=10):
        return self.post(f"/v1/vector-sets/{set_id}/encode", {"text": text, "top": top})

    # ---- scores (core metrics) ----

    def submit_score(self, dataset_id, factorization_id=None, level=None, vector_set_id=None, idempotency_key=None,
                     **options):
        """Queues a score job: the core metrics of a factorization level (in-sample and held-out on ``dataset_id``)
        or of an SAE vector set with its encoder (held-out). ``options``: hook, maxDocuments, contextLength,
        firingThreshold, denseThreshold as the API takes them."""
        body = dict(options, datasetId=dataset_id, factorizationId=factorization_id, level=level,
                    vectorSetId=vector_set_id)
        return Job.from_json(self.post("/v1/scores", {k: v for k, v in body.items() if v is not None},
                                       idempotency_key))

    def score(self, score_id):
        return Score.from_json(self.get(f"/v1/scores/{score_id}"))

    def scores(self, page_size=100):
        """Every score, newest first, without metrics (``Score`` with ``heldOut`` None), pages fetched lazily."""
        return (Score.from_json(s) for s in self.pages("/v1/scores", page_size))

    def delete_score(self, score_id):
        self.delete(f"/v1/scores/{score_id}")

    def run_score(self, dataset_id, factorization_id=None, level=None, vector_set_id=None, progress=None,
                  timeout=3600.0, **options):
        """submit → wait → fetch in one call."""
        job = self.wait(self.submit_score(dataset_id, factorization_id, level, vector_set_id, **options), timeout,
                        progress=progress)
        return self.score(job.result["scoreId"])

    # ---- comparisons ----

    def submit_comparison(self, model_id, concepts, methods, steering=None, idempotency_key=None, probing=None,
                          core_metrics=None):
        """Queues a comparison. ``concepts``: [{name, sentences, neutral, description?}]; ``methods``: [{name,
        factorizationId | vectorSetId | diffMeans: True, layer, hook}]; ``steering``: protocol overrides
        ({"enabled": False} skips it); ``probing``: {ks, budgets, draws, seed} or {"enabled": False};
        ``core_metrics``: {datasetId, maxDocuments?, contextLength?} to score every method that can reconstruct."""
        body = {"modelId": model_id, "concepts": concepts, "methods": methods}
        for name, value in (("steering", steering), ("probing", probing), ("coreMetrics", core_metrics)):
            if value is not None:
                body[name] = value
        return Job.from_json(self.post("/v1/comparisons", body, idempotency_key))

    def comparison(self, comparison_id):
        return Comparison.from_json(self.get(f"/v1/comparisons/{comparison_id}"))

    def comparison_csv(self, comparison_id):
        return self.request("GET", f"/v1/comparisons/{comparison_id}/export?format=csv", raw=True)

    def comparison_saebench(self, comparison_id, method):
        """One method of a comparison in SAEBench's eval output layout: ``{"core": {...}, "sparse_probing": {...}}``
        (the evals the comparison covers), each as SAEBench writes it; fields the service does not measure are None
        and named in ``eval_result_unstructured["unavailable"]``."""
        return self.get(f"/v1/comparisons/{comparison_id}/export", format="saebench", method=method)

    def save_saebench(self, comparison_id, method, directory):
        """Writes each eval of ``comparison_saebench`` to ``directory/<eval>/<method>_eval_results.json`` (SAEBench's
        file name); returns the paths."""
        paths = []
        for eval_type, result in self.comparison_saebench(comparison_id, method).items():
            os.makedirs(os.path.join(directory, eval_type), exist_ok=True)
            path = os.path.join(directory, eval_type, f"{method}_eval_results.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(result, f, indent=2)
            paths.append(path)
        return paths

    def comparisons(self, model_id=None, page_size=100):
        return self.pages("/v1/comparisons", page_size, modelId=model_id)

    def compare(self, model_id, concepts, methods, steering=None, progress=None, timeout=3600.0, probing=None,
                core_metrics=None):
        """submit → wait → fetch in one call."""
        job = self.wait(self.submit_comparison(model_id, concepts, methods, steering, probing=probing,
                                               core_metrics=core_metrics), timeout, progress=progress)
        return self.comparison(job.result["comparisonId"])


def _progress_reporter(progress):
    if progress is None or progress is False:
        return lambda job: None
    if callable(progress):
        return progress
    try:
        from tqdm import tqdm  # optional
    except ImportError:
        last = {}

        def line(job):
            key = (job.status, job.stage)
            if key != last.get("key"):
                last["key"] = key
                print(f"job {job.id} {job.status} {job.stage or ''} {job.progress:.0%}", file=sys.stderr)
        return line
    bar = tqdm(total=1000, unit="‰", leave=False)

    def update(job):
        bar.set_description(job.stage or job.status)
        bar.update(int(job.progress * 1000) - bar.n)
    update.close = bar.close
    return update


def _numpy():
    try:
        import numpy
    except ImportError:
        raise ImportError("numpy is needed for array export: pip install numpy") from None
    return numpy


def _npy_bytes(array):
    import io
    np = _numpy()
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(np.asarray(array, dtype=np.float32)))
    return buffer.getvalue()
