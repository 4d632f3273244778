"""Batch mode: score a folder of calls for a team lead (``coach batch``).

Small modules, one concern each: ``discover`` (which files are calls), ``sidecar``
(per-call metadata), ``worker`` (read, roles, analysis in a pool worker), ``state``
(resume manifest), ``outputs`` (atomic files), ``summary`` (per-CSM figures and
summary.md), ``run`` (the orchestration).
"""

from coach.batch.run import BatchOptions, BatchResult, main_message, run_batch

__all__ = ["BatchOptions", "BatchResult", "main_message", "run_batch"]
