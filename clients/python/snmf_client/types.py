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

    @classmethod
    def from_json(cls, data):
        row = _build(cls, data)
        row.steering = [SteeringResult.from_json(s) for s in data.get("steering", [])]
        return row


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

    @classmethod
    def from_json(cls, data):
        comparison = _build(cls, data)
        comparison.rows = [ComparisonRow.from_json(r) for r in data["rows"]]
        return comparison

    def row(self, method, concept):
        for r in self.rows:
            if r.method == method and r.concept == concept:
                return r
        raise KeyError((method, concept))
