"""The paper's comparison from Python: SNMF features vs a trained SAE vs DiffMeans on the fortunes GPT-2's five
languages, printed as a table (held-out detection AUROC per language, then each method's means).

    SNMF_URL=http://localhost:8080 SNMF_API_KEY=... python3 examples/compare_methods.py [--quick]

Needs the service and ``../shared/models`` (fortunes-byte-gpt2, fortunes-sae-resid2) beside the checkout, as the
service's own tests do; registering a model by server path needs an admin key.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from snmf_client import SnmfClient, format_table  # noqa: E402

SENTENCES = {
    "english": ["A friend in need is a friend indeed.", "Practice makes perfect.", "Better late than never.",
                "Actions speak louder than words.", "The early bird catches the worm.", "Honesty is the best policy."],
    "german": ["Wer rastet, der rostet.", "Morgenstund hat Gold im Mund.", "Aller Anfang ist schwer.",
               "Übung macht den Meister.", "Ohne Fleiß kein Preis.", "Lügen haben kurze Beine."],
    "spanish": ["Más vale tarde que nunca.", "El que madruga, Dios le ayuda.", "Perro que ladra no muerde.",
                "Quien mucho abarca, poco aprieta.", "En boca cerrada no entran moscas.",
                "Dime con quién andas y te diré quién eres."],
    "italian": ["Chi dorme non piglia pesci.", "Meglio tardi che mai.", "L'abito non fa il monaco.",
                "Chi trova un amico trova un tesoro.", "Una rondine non fa primavera.", "Chi la fa l'aspetti."],
    "portuguese": ["Quem não arrisca não petisca.", "Mais vale tarde do que nunca.", "Quem espera sempre alcança.",
                   "Cão que ladra não morde.", "Deus ajuda quem cedo madruga.", "Quem vê cara não vê coração."],
}


def concepts():
    out = []
    for language, sentences in SENTENCES.items():
        neutral = [s for other, texts in SENTENCES.items() if other != language for s in texts]
        out.append({"name": language, "description": f"text written in {language}", "sentences": sentences,
                    "neutral": neutral})
    return out


def main():
    repo = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.environ.get("SNMF_SHARED", os.path.join(repo, "..", "shared")))
    parser.add_argument("--quick", action="store_true", help="one KL target, one sign, short generations")
    parser.add_argument("--csv", help="also write the table as CSV to this file")
    parser.add_argument("--saebench", help="also write each method's evals in SAEBench's layout under this folder")
    args = parser.parse_args()
    shared = os.path.abspath(args.shared)
    client = SnmfClient()
    suffix = str(int(time.time() * 1000))
    progress = None if args.quick else True

    model = client.register_model("fortunes-" + suffix, "local", path=os.path.join(shared, "models",
                                                                                     "fortunes-byte-gpt2"))
    sae = client.upload_sae(model.id, "fortunes-sae-resid2-" + suffix,
                            os.path.join(shared, "models", "fortunes-sae-resid2"))
    dataset = client.create_text_dataset("languages-" + suffix, [s for v in SENTENCES.values() for s in v])
    job = client.wait(client.factorize(model.id, dataset, layer=2, k=16, sparsity=0.1, maxIterations=40,
                                       contextLength=64, seed=1), progress=progress)
    steering = {"klTargets": [0.25], "signs": ["+"], "generations": 2, "newTokens": 8} if args.quick else None
    comparison = client.compare(model.id, concepts(), [
        {"name": "snmf", "factorizationId": job.result["factorizationId"]},
        {"name": "sae", "vectorSetId": sae.id},
        {"name": "diffmeans", "diffMeans": True, "layer": 2, "hook": "mlp.hook_post"},
    ], steering=steering, progress=progress)
    print(f"comparison {comparison.id}: held-out detection AUROC per language; means of AUROC, accuracy,")
    print("output-centric steering score (nats) and judge harmonic mean (when a judge is configured)")
    print(format_table(comparison))
    if args.csv:
        with open(args.csv, "w", encoding="utf-8") as f:
            f.write(client.comparison_csv(comparison.id))
    if args.saebench:
        for method in ("snmf", "sae", "diffmeans"):
            for path in client.save_saebench(comparison.id, method, args.saebench):
                print("wrote", path)


if __name__ == "__main__":
    main()
