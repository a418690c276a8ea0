"""Python client for snmf-service: submit → wait (progress) → fetch, typed results, paging, numpy export."""

from .client import SnmfClient
from .errors import ApiError, JobFailed
from .table import comparison_to_numpy, format_table
from .types import Comparison, ComparisonRow, Job, Model, SteeringResult, VectorSet, VectorSetMember

__all__ = ["SnmfClient", "ApiError", "JobFailed", "format_table", "comparison_to_numpy", "Comparison",
           "ComparisonRow", "Job", "Model", "SteeringResult", "VectorSet", "VectorSetMember"]
