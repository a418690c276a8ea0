"""Python client for snmf-service: submit → wait (progress) → fetch, typed results, paging, numpy export."""

from .client import SnmfClient
from .errors import ApiError, JobFailed
from .table import comparison_to_numpy, format_table
from .types import (BudgetPoint, Comparison, ComparisonRow, CoreMetrics, Factorization, Feature, Job, Model, Probe,
                    Score, ScoreMetrics, SteeringResult, VectorSet, VectorSetMember)

__version__ = "0.1.0"

__all__ = ["SnmfClient", "ApiError", "JobFailed", "format_table", "comparison_to_numpy", "BudgetPoint", "Comparison",
           "ComparisonRow", "CoreMetrics", "Factorization", "Feature", "Job", "Model", "Probe", "Score",
           "ScoreMetrics", "SteeringResult", "VectorSet", "VectorSetMember"]
