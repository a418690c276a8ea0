"""Typed views of the service's JSON (dataclasses built with ``from_json``; unknown fields are ignored)."""

from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Optional


def _build(cls, data):
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Job:
    id: int
    type: str
    status: str
    progress: float = 0.0
    stage: Optional[str] = None
    message: Optional[str] = None
    etaSeconds: Optional[float] = None
    result: Optional[Dict[str, Any]] = None
    error: Optional[Dict[str, Any]] = None
    params: Dict[str, Any] = field(default_factory=dict)
    createdAt: Optional[str] = None
    finishedAt: Optional[str] = None

    FINISHED = ("SUCCEEDED", "FAILED", "CANCELLED")

    @property
    def finished(self):
        return self.status in self.FINISHED

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class Factorization:
    """A stored factorization: its settings, loss curve and relative error (``GET /v1/factorizations/{id}``)."""

    id: int
    modelId: int
    datasetId: int
    layer: int
    hook: str
    levels: List[int]
    iterations: int
    relativeError: float
    jobId: Optional[int] = None
    activationSetId: Optional[int] = None
    d: Optional[int] = None
    nTokens: Optional[int] = None
    bestIteration: Optional[int] = None
    lossCurve: List[float] = field(default_factory=list)
    settings: Dict[str, Any] = field(default_factory=dict)
    timings: Dict[str, Any] = field(default_factory=dict)
    createdAt: Optional[str] = None

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class Feature:
    """A feature as listed (``GET /v1/factorizations/{id}/features``) or read alone (``GET /v1/features/{id}``: then
    also its histogram, direction, parents, children, detection and fuzzing accuracy)."""

    id: int
    factorizationId: int
    level: int
    index: int
    frequency: float
    meanActivation: float
    maxActivation: float
    promotedTokens: List[str] = field(default_factory=list)
    description: Optional[str] = None
    histogram: Optional[Any] = None
    direction: List[float] = field(default_factory=list)
    parents: Optional[int] = None
    children: Optional[int] = None
    detectionAccuracy: Optional[float] = None
    fuzzingAccuracy: Optional[float] = None

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class Model:
    id: int
    name: str
    source: str
    architecture: Optional[str] = None
    nLayers: Optional[int] = None
    dModel: Optional[int] = None
    dMlp: Optional[int] = None
    vocabSize: Optional[int] = None

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class VectorSet:
    id: int
    modelId: int
    name: str
    source: str
    hook: str
    layer: int
    d: int
    size: int
    encodable: bool = False
    factorizationId: Optional[int] = None
    evaluationId: Optional[int] = None
    metadata: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class VectorSetMember:
    vectorSetId: int
    index: int
    label: str
    hook: str
    layer: int
    norm: float
    vector: List[float]
    featureId: Optional[int] = None

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class SteeringResult:
    """One KL target and sign of a comparison cell."""

    target: float
    sign: str
    alpha: float
    kl: float
    status: str
    offline: Optional[Dict[str, float]] = None
    judge: Optional[Dict[str, float]] = None
    rising: List[str] = field(default_factory=list)

    @property
    def output_centric(self):
        return None if self.offline is None else self.offline.get("outputCentric")

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class Probe:
    """One sparse probe of a comparison cell (or of the raw-activation reference): logistic regression on the ``k``
    candidates it chose (``all``: on every candidate, ``k`` = their count)."""

    k: int
    all: bool
    trainAccuracy: float
    testAccuracy: float
    testBalancedAccuracy: float
    converged: bool
    chosen: List[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class BudgetPoint:
    """A point of a cell's budget curve: detection AUROC and probing accuracy (per k) over ``draws`` random subsets of
    ``budget`` candidates, each as ``{mean, min, max}``."""

    budget: int
    draws: int
    auroc: Dict[str, float]
    probing: Dict[str, Dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data):
        return _build(cls, data)


@dataclass
class ScoreMetrics:
    """One split's core metrics (formulas in the service's docs/metrics.md); ratios with a zero denominator are
    None."""

    datasetId: int
    tokens: int
    activations: int
    latents: int
    ceClean: Optional[float] = None
    ceSpliced: Optional[float] = None
    ceZero: Optional[float] = None
    ceMean: Optional[float] = None
    ceLossRecoveredVsZero: Optional[float] = None
    ceLossRecoveredVsMean: Optional[float] = None
    klSpliced: Optional[float] = None
    klZero: Optional[float] = None
    klMean: Optional[float] = None
    klScore: Optional[float] = None
    explainedVariance: Optional[float] = None
    mse: Optional[float] = None
    l0: Optional[float] = None
    firingRule: Optional[str] = None
    deadLatents: int = 0
    denseLatents: int = 0
    denseThreshold: Optional[float] = None
    latentsOverOnePercent: Optional[int] = None
    latentsOverTenPercent: Optional[int] = None
    normalizedFrequencyOverOnePercent: Optional[float] = None
    normalizedFrequencyOverTenPercent: Optional[float] = None
    cossim: Optional[float] = None
    l2NormIn: Optional[float] = None
    l2NormOut: Optional[float] = None
    l2Ratio: Optional[float] = None
    relativeReconstructionBias: Optional[float] = None
    l1: Optional[float] = None
    explainedVarianceLegacy: Optional[float] = None
    density: Optional[Dict[str, Any]] = None

    @classmethod
    def from_json(cls, data):
        return None if data is None else _build(cls, data)


@dataclass
class CoreMetrics:
    """A method's core metrics: ``heldOut``, ``inSample`` (factorizations), ``weights`` (average max decoder and
    encoder cosines) and the SNMF ``encoder``'s convergence. A score (``GET /v1/scores/{id}``) has these and its
    identity; a comparison has them per method."""

    heldOut: Optional[ScoreMetrics] = None
    inSample: Optional[ScoreMetrics] = None
    weights: Optional[Dict[str, Optional[float]]] = None
    encoder: Optional[Dict[str, int]] = None

    @classmethod
    def from_json(cls, data):
        core = _build(cls, data)
        core.heldOut = ScoreMetrics.from_json(data.get("heldOut"))
        core.inSample = ScoreMetrics.from_json(data.get("inSample"))
        return core


@dataclass
class Score(CoreMetrics):
    """A stored score (``GET /v1/scores/{id}``, or an item of the list, which has no metrics)."""

    id: int = 0
    modelId: int = 0
    hook: str = ""
    datasetId: int = 0
    jobId: Optional[int] = None
    factorizationId: Optional[int] = None
    level: Optional[int] = None
    vectorSetId: Optional[int] = None
    settings: Dict[str, Any] = field(default_factory=dict)
    createdAt: Optional[str] = None


@dataclass
class ComparisonRow:
    method: str
    concept: str
    candidate: str
    candidateIndex: int
    candidates: int
    layer: int
    hook: str
    trainAuroc: float
    auroc: float
    accuracy: float
    steering: List[SteeringResult]
    vector: List[float] = field(default_factory=list)
    featureId: Optional[int] = None
    vectorSetId: Optional[int] = None
    threshold: Optional[float] = None
    bestSteering: Optional[Dict[str, Any]] = None
    probing: Optional[List[Probe]] = None
    budgets: Optional[List[BudgetPoint]] = None

    @classmethod
    def from_json(cls, data):
        row = _build(cls, data)
        row.steering = [SteeringResult.from_json(s) for s in data.get("steering", [])]
        row.probing = None if data.get("probing") is None else [Probe.from_json(p) for p in data["probing"]]
        row.budgets = None if data.get("budgets") is None else [BudgetPoint.from_json(b) for b in data["budgets"]]
        return row

    def probe(self, k="all"):
        """The probe at ``k`` (``"all"``: on every candidate), or None."""
        return _probe(self.probing or [], k)


@dataclass
class Comparison:
    id: int
    modelId: int
    concepts: List[str]
    methods: List[Dict[str, Any]]
    rows: List[ComparisonRow]
    summary: List[Dict[str, Any]]
    jobId: Optional[int] = None
    createdAt: Optional[str] = None
    steering: Optional[Dict[str, Any]] = None
    probing: Optional[Dict[str, Any]] = None
    reference: Optional[Dict[str, Dict[str, List[Probe]]]] = None
    coreMetrics: Optional[Dict[str, CoreMetrics]] = None

    @classmethod
    def from_json(cls, data):
        comparison = _build(cls, data)
        comparison.rows = [ComparisonRow.from_json(r) for r in data["rows"]]
        if data.get("reference") is not None:
            comparison.reference = {hook: {concept: [Probe.from_json(p) for p in probes]
                                           for concept, probes in concepts.items()}
                                    for hook, concepts in data["reference"].items()}
        if data.get("coreMetrics") is not None:
            comparison.coreMetrics = {m: CoreMetrics.from_json(c) for m, c in data["coreMetrics"].items()}
        return comparison

    def reference_probe(self, hook, concept, k="all"):
        """The raw-activation reference probe (SAEBench's LLM baseline) at ``hook`` for ``concept``, or None."""
        return _probe(((self.reference or {}).get(hook) or {}).get(concept) or [], k)

    def row(self, method, concept):
        for r in self.rows:
            if r.method == method and r.concept == concept:
                return r
        raise KeyError((method, concept))


def _probe(probes, k):
    for p in probes:
        if (k == "all" and p.all) or p.k == k:
            return p
    return None
