"""Paper-style tables and numpy views of comparison results."""


def format_table(comparison, metric="auroc"):
    """Methods as rows, concepts as columns (the held-out ``metric`` of each cell), then each method's means:
    AUROC, accuracy, output-centric steering score and, when a judge ran, the judge's harmonic mean."""
    concepts = comparison.concepts
    methods = []
    for row in comparison.rows:
        if row.method not in methods:
            methods.append(row.method)
    width = max(10, *(len(c) for c in concepts))
    head = f"{'method':<12}" + "".join(f"{c:>{width + 1}}" for c in concepts)
    head += f"{'AUROC':>8}{'acc':>7}{'steer':>8}{'judge':>7}"
    lines = [head, "-" * len(head)]
    for method in methods:
        cells = {r.concept: r for r in comparison.rows if r.method == method}
        line = f"{method:<12}"
        for c in concepts:
            value = getattr(cells[c], metric) if c in cells else None
            line += f"{'-' if value is None else format(value, '.3f'):>{width + 1}}"
        rows = list(cells.values())
        auroc = sum(r.auroc for r in rows) / len(rows)
        accuracy = sum(r.accuracy for r in rows) / len(rows)
        steer = [s.output_centric for r in rows for s in r.steering if s.output_centric is not None]
        judge = [s.judge["harmonic"] for r in rows for s in r.steering
                 if s.judge and s.judge.get("harmonic") is not None]
        line += f"{auroc:>8.3f}{accuracy:>7.3f}"
        line += f"{sum(steer) / len(steer):>8.3f}" if steer else f"{'-':>8}"
        line += f"{sum(judge) / len(judge):>7.2f}" if judge else f"{'-':>7}"
        lines.append(line)
    return "\n".join(lines)


def comparison_to_numpy(comparison, metric="auroc"):
    """(matrix [methods × concepts] of ``metric``, methods, concepts); needs numpy. Missing cells are NaN."""
    from .client import _numpy
    np = _numpy()
    methods = []
    for row in comparison.rows:
        if row.method not in methods:
            methods.append(row.method)
    out = np.full((len(methods), len(comparison.concepts)), np.nan)
    for row in comparison.rows:
        out[methods.index(row.method), comparison.concepts.index(row.concept)] = getattr(row, metric)
    return out, methods, list(comparison.concepts)
