"""The client against a live service: set SNMF_URL (and SNMF_API_KEY when keys are on); the service's
``./mvnw test`` runs these through PythonClientTest. SNMF_SHARED points at ../shared (models and fixtures)."""

import http.server
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from snmf_client import (ApiError, CoreMetrics, Factorization, Feature, Job, Probe, Score,  # noqa: E402
                         ScoreMetrics, SnmfClient, comparison_to_numpy, format_table)

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.abspath(os.environ.get("SNMF_SHARED", os.path.join(HERE, "..", "..", "..", "..", "shared")))
SAE_DIR = os.path.join(SHARED, "models", "fortunes-sae-resid2")

try:
    import numpy
except ImportError:
    numpy = None


@unittest.skipUnless(os.environ.get("SNMF_URL"), "SNMF_URL is not set: no live service to test against")
class LiveServiceTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.client = SnmfClient()
        cls.suffix = str(time.time_ns())
        cls.model = cls.client.register_model("py-" + cls.suffix, "local",
                                              path=os.path.join(SHARED, "models", "fortunes-byte-gpt2"))
        cls.sae = cls.client.upload_sae(cls.model.id, "py-sae-" + cls.suffix, SAE_DIR)
        cls.held_out = cls.client.create_text_dataset("py-held-out-" + cls.suffix, [
            "The early bird catches the worm.", "Der frühe Vogel fängt den Wurm.", "A stitch in time saves nine."])

    def test_typed_model_and_paging_over_every_page(self):
        self.assertEqual(self.model.architecture, "gpt2")
        self.assertEqual((self.model.nLayers, self.model.dModel, self.model.dMlp), (4, 128, 512))
        ids = [m.id for m in self.client.models(page_size=1)]
        self.assertIn(self.model.id, ids)
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len(ids), self.client.get("/v1/models", page=0, size=1)["total"])

    def test_problems_become_api_errors(self):
        with self.assertRaises(ApiError) as missing:
            self.client.model(987654321)
        self.assertEqual(missing.exception.status, 404)
        self.assertIn("987654321", missing.exception.detail)
        with self.assertRaises(ApiError) as unknown:
            self.client.get("/v1/vector-sets", page=-1)
        self.assertEqual(unknown.exception.status, 422)
        if numpy is not None:
            with self.assertRaises(ApiError) as wrong:
                self.client.upload_matrix(self.model.id, "bad-" + self.suffix, "blocks.1.hook_resid_post",
                                          numpy.zeros((2, 7)))
            self.assertEqual(wrong.exception.status, 422)
            self.assertIn("width 128", wrong.exception.detail)

    def test_sae_members_page_through_and_export_to_numpy_equal_the_file(self):
        self.assertEqual((self.sae.hook, self.sae.size, self.sae.d), ("blocks.2.hook_resid_post", 1024, 128))
        members = list(self.client.members(self.sae.id, page_size=300))
        self.assertEqual([m.index for m in members], list(range(1024)))
        self.assertEqual(members[3].label, "latent-3")
        if numpy is None:
            self.skipTest("numpy is not installed")
        matrix = self.client.vector_set_matrix(self.sae.id)
        w_dec = read_safetensors(os.path.join(SAE_DIR, "sae_weights.safetensors"), "W_dec")
        self.assertEqual(matrix.shape, (1024, 128))
        self.assertEqual(float(numpy.abs(matrix - w_dec).max()), 0.0)

    def test_encoding_matches_the_reference_latents(self):
        with open(os.path.join(SHARED, "fixtures", "fortunes-sae-resid2-reference.json"), encoding="utf-8") as f:
            case = json.load(f)["cases"][0]
        encoded = self.client.encode(self.sae.id, case["text"], top=3)
        self.assertEqual(encoded["tokens"], case["token_ids"])
        for mine, ref in zip(encoded["latents"], case["top_latents"]):
            for value, expected in zip(mine["values"], ref["values"][:3]):
                self.assertAlmostEqual(value, expected, delta=1e-3)

    def test_submit_wait_with_progress_then_fetch(self):
        dataset = self.client.create_text_dataset("py-" + self.suffix, ["Wer rastet, der rostet.",
                                                                         "Practice makes perfect.",
                                                                         "Meglio tardi che mai."])
        seen = []
        job = self.client.factorize(self.model.id, dataset, layer=1, k=4, maxIterations=10, contextLength=32)
        self.assertIsInstance(job, Job)
        done = self.client.wait(job, progress=seen.append, poll=0.05)
        self.assertEqual(done.status, "SUCCEEDED")
        self.assertTrue(seen and seen[-1].finished)
        self.assertTrue(all(0 <= j.progress <= 1 for j in seen))
        features = list(self.client.features(done.result["factorizationId"], page_size=2))
        self.assertEqual(len(features), 4)
        self.assertTrue(all(isinstance(f, Feature) for f in features))
        self.assertEqual(sorted(f.index for f in features), [0, 1, 2, 3])
        one = self.client.feature(features[0].id)
        self.assertEqual((one.factorizationId, len(one.direction)), (done.result["factorizationId"], 512))
        factorization = self.client.factorization(done.result["factorizationId"])
        self.assertIsInstance(factorization, Factorization)
        self.assertEqual((factorization.layer, factorization.levels, factorization.iterations),
                         (1, [4], done.result["iterations"]))
        import tempfile
        import zipfile
        with tempfile.TemporaryDirectory() as tmp:
            path = self.client.neuronpedia_export(done.result["factorizationId"], os.path.join(tmp, "np.zip"),
                                                  model_id="fortunes-byte-gpt2", set_name="snmf-py")
            with zipfile.ZipFile(path) as z:
                batch = json.loads(z.read("batch-0.json"))
        self.assertEqual(batch["sae_set"], "snmf-py")
        self.assertEqual([f["feature_index"] for f in batch["features"]], [0, 1, 2, 3])
        self.assertEqual(batch["features"][0]["vector"], [float(x) for x in batch["features"][0]["vector"]])
        vector_set = self.client.vector_set_from_factorization("py-f-" + self.suffix, done.result["factorizationId"])
        self.assertEqual(vector_set.hook, "blocks.1.mlp.hook_post")
        self.assertIn(vector_set.id, [v.id for v in self.client.vector_sets(self.model.id, page_size=1)])

    def test_scores_submit_wait_fetch_list_and_delete(self):
        job = self.client.submit_score(self.held_out, vector_set_id=self.sae.id, maxDocuments=2, contextLength=32)
        self.assertIsInstance(job, Job)
        self.assertEqual(job.type, "score")
        score = self.client.score(self.client.wait(job).result["scoreId"])
        self.assertIsInstance(score, Score)
        self.assertEqual((score.vectorSetId, score.hook, score.datasetId),
                         (self.sae.id, "blocks.2.hook_resid_post", self.held_out))
        self.assertIsInstance(score.heldOut, ScoreMetrics)
        self.assertIsNone(score.inSample)  # an SAE is scored held-out only
        self.assertEqual(score.heldOut.latents, 1024)
        self.assertTrue(score.heldOut.tokens > 0 and score.heldOut.ceClean > 0)
        self.assertLessEqual(score.heldOut.explainedVariance, 1)
        self.assertEqual(score.heldOut.firingRule, "latent > 0")
        again = self.client.run_score(self.held_out, vector_set_id=self.sae.id, maxDocuments=2, contextLength=32)
        self.assertEqual(again.heldOut, score.heldOut)  # the same inputs give the same numbers
        listed = {s.id: s for s in self.client.scores(page_size=1)}
        self.assertIn(score.id, listed)
        self.assertIsNone(listed[score.id].heldOut)  # the list has no metrics
        self.client.delete_score(again.id)
        with self.assertRaises(ApiError) as gone:
            self.client.score(again.id)
        self.assertEqual(gone.exception.status, 404)
        with self.assertRaises(ApiError) as bad:
            self.client.submit_score(self.held_out)
        self.assertEqual(bad.exception.status, 422)

    def test_a_small_comparison_as_typed_table_csv_and_numpy(self):
        concept = {"name": "german", "sentences": ["Wer rastet, der rostet.", "Aller Anfang ist schwer.",
                                                   "Ohne Fleiß kein Preis.", "Lügen haben kurze Beine."],
                   "neutral": ["Practice makes perfect.", "Meglio tardi che mai.", "Time is money.",
                               "Chi dorme non piglia pesci."]}
        comparison = self.client.compare(self.model.id, [concept], [
            {"name": "sae", "vectorSetId": self.sae.id},
            {"name": "diffmeans", "diffMeans": True, "layer": 2, "hook": "hook_resid_post"}],
            steering={"klTargets": [0.1], "signs": ["+"], "generations": 1, "newTokens": 4},
            probing={"ks": [1, 2], "budgets": [16], "draws": 2},
            core_metrics={"datasetId": self.held_out, "maxDocuments": 2, "contextLength": 32})
        self.assertEqual({r.method for r in comparison.rows}, {"sae", "diffmeans"})
        row = comparison.row("sae", "german")
        self.assertEqual(row.candidates, 1024)
        self.assertTrue(0 <= row.auroc <= 1)
        self.assertEqual(row.steering[0].target, 0.1)
        # probing, budgets, the raw-activation reference and core metrics, typed
        self.assertEqual([p.k for p in row.probing], [1, 2, 1024])
        self.assertTrue(all(isinstance(p, Probe) for p in row.probing))
        self.assertEqual(len(row.probe(1).chosen), 1)
        self.assertTrue(row.probe("all").all)
        self.assertEqual([b.budget for b in row.budgets], [16, 1024])
        self.assertEqual(set(row.budgets[0].auroc), {"mean", "min", "max"})
        self.assertIsNone(comparison.row("diffmeans", "german").budgets)
        self.assertEqual(comparison.probing["ks"], [1, 2])
        raw = comparison.reference_probe("blocks.2.hook_resid_post", "german")
        self.assertEqual(raw.k, 128)
        self.assertTrue(0 <= raw.testAccuracy <= 1)
        self.assertEqual(set(comparison.coreMetrics), {"sae"})  # DiffMeans cannot reconstruct
        core = comparison.coreMetrics["sae"]
        self.assertIsInstance(core, CoreMetrics)
        self.assertEqual((core.heldOut.latents, core.heldOut.datasetId), (1024, self.held_out))
        # the SAEBench layout: the same numbers under SAEBench's names
        export = self.client.comparison_saebench(comparison.id, "sae")
        self.assertEqual(set(export), {"core", "sparse_probing"})
        metrics = export["core"]["eval_result_metrics"]
        self.assertEqual(metrics["model_performance_preservation"]["ce_loss_score"],
                         core.heldOut.ceLossRecoveredVsZero)
        self.assertEqual(metrics["reconstruction_quality"]["explained_variance"], core.heldOut.explainedVariance)
        self.assertEqual(metrics["reconstruction_quality"]["cossim"], core.heldOut.cossim)
        self.assertEqual(metrics["misc_metrics"]["average_max_decoder_cosine_sim"],
                         core.weights["averageMaxDecoderCosine"])
        self.assertEqual(export["core"]["eval_result_unstructured"]["unavailable"], [])
        probing = export["sparse_probing"]
        self.assertEqual(probing["eval_result_metrics"]["sae"]["sae_top_1_test_accuracy"], row.probe(1).testAccuracy)
        self.assertEqual(probing["eval_result_metrics"]["llm"]["llm_test_accuracy"], raw.testAccuracy)
        self.assertEqual(probing["eval_result_details"][0]["dataset_name"], "german")
        self.assertEqual(set(self.client.comparison_saebench(comparison.id, "diffmeans")), {"sparse_probing"})
        with tempfile.TemporaryDirectory() as tmp:
            paths = self.client.save_saebench(comparison.id, "sae", tmp)
            self.assertEqual(sorted(os.path.relpath(p, tmp) for p in paths),
                             [os.path.join("core", "sae_eval_results.json"),
                              os.path.join("sparse_probing", "sae_eval_results.json")])
            with open(paths[0], encoding="utf-8") as f:
                self.assertEqual(json.load(f)["eval_type_id"], "core")
        with self.assertRaises(ApiError) as unknown:
            self.client.comparison_saebench(comparison.id, "nope")
        self.assertEqual(unknown.exception.status, 422)
        self.assertIn("sae, diffmeans", unknown.exception.detail)
        table = format_table(comparison)
        self.assertIn("diffmeans", table)
        csv = self.client.comparison_csv(comparison.id).splitlines()
        self.assertEqual(len(csv), 3)
        self.assertTrue(csv[0].startswith("method,concept,candidate"))
        if numpy is not None:
            matrix, methods, concepts = comparison_to_numpy(comparison)
            self.assertEqual(matrix.shape, (2, 1))
            self.assertEqual(matrix[methods.index("sae"), 0], row.auroc)

    def test_the_example_prints_the_paper_style_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            run = subprocess.run([sys.executable, os.path.join(HERE, "..", "examples", "compare_methods.py"),
                                  "--quick", "--saebench", tmp],
                                 capture_output=True, text=True, timeout=600, env=dict(os.environ))
            self.assertEqual(run.returncode, 0, run.stderr)
            # no core metrics asked for: sparse probing only, one file per method
            self.assertEqual(sorted(os.listdir(os.path.join(tmp, "sparse_probing"))),
                             ["diffmeans_eval_results.json", "sae_eval_results.json", "snmf_eval_results.json"])
            self.assertEqual(os.listdir(tmp), ["sparse_probing"])
        print(run.stdout)
        lines = run.stdout.splitlines()
        for method in ("snmf", "sae", "diffmeans"):
            self.assertTrue(any(line.startswith(method) for line in lines), run.stdout)
        self.assertIn("portuguese", run.stdout)


@unittest.skipUnless(os.environ.get("SNMF_URL"), "SNMF_URL is not set: no live service to test against")
class PipInstallTest(unittest.TestCase):
    """The README's install: pip, offline, no dependencies, into a fresh venv; then an import and one call."""

    def test_installs_offline_into_a_fresh_venv_and_talks_to_the_service(self):
        python = _python_that_builds()
        if python is None:
            self.skipTest("no python3 with setuptools and wheel here (Debian: python3-pip, python3-venv)")
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "python")  # a copy: the build leaves build/ and *.egg-info in the source
            shutil.copytree(os.path.join(HERE, ".."), source, ignore=shutil.ignore_patterns("__pycache__", "build",
                                                                                             "*.egg-info"))
            venv = os.path.join(tmp, "venv")
            subprocess.run([python, "-m", "venv", "--system-site-packages", venv], check=True, timeout=120)
            bin_python = os.path.join(venv, "bin", "python")
            started = time.monotonic()
            install = subprocess.run([bin_python, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                                      source], capture_output=True, text=True, timeout=300)
            self.assertEqual(install.returncode, 0, install.stdout + install.stderr)
            print(f"pip install into a fresh venv: {time.monotonic() - started:.1f} s")
            call = subprocess.run([bin_python, "-c", "import snmf_client; c = snmf_client.SnmfClient(); "
                                   "print(snmf_client.__file__); print(sum(1 for m in c.models()))"],
                                  capture_output=True, text=True, timeout=120, cwd=tmp, env=dict(os.environ))
            self.assertEqual(call.returncode, 0, call.stderr)
            where, count = call.stdout.split()
            self.assertTrue(where.startswith(venv), where)
            self.assertEqual(int(count), SnmfClient().get("/v1/models", page=0, size=1)["total"])


def _python_that_builds():
    """This interpreter, or Debian's, whichever has setuptools and wheel (pip builds with them, offline)."""
    for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
        if os.path.exists(python) and subprocess.run([python, "-c", "import setuptools, wheel, venv"],
                                                     capture_output=True).returncode == 0:
            return python
    return None


class BearerKeyTest(unittest.TestCase):
    """The key goes out as ``Authorization: Bearer <key>`` (checked against a local fake server)."""

    def test_sends_the_key_from_the_constructor_and_from_the_environment(self):
        seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.headers.get("Authorization"))
                body = json.dumps({"id": 1, "name": "m", "source": "local"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_port}"
            SnmfClient(url, api_key="k-123").model(1)
            old = os.environ.get("SNMF_API_KEY")
            os.environ["SNMF_API_KEY"] = "k-env"
            try:
                SnmfClient(url).model(1)
            finally:
                if old is None:
                    del os.environ["SNMF_API_KEY"]
                else:
                    os.environ["SNMF_API_KEY"] = old
            SnmfClient(url, api_key="").model(1)
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(seen, ["Bearer k-123", "Bearer k-env", None])


def read_safetensors(path, name):
    """One float32 tensor from a safetensors file, parsed here (independent of the service's reader)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        begin, end = header[name]["data_offsets"]
        f.seek(8 + length + begin)
        data = f.read(end - begin)
    return numpy.frombuffer(data, dtype="<f4").reshape(header[name]["shape"])


if __name__ == "__main__":
    unittest.main()
