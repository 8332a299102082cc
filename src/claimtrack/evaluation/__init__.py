"""Evaluation of claimtrack against the shared gold data sets (``claimtrack eval``).

Entry points for the CLI: :func:`available_tasks`, :func:`run_task`, :func:`default_data_dir`
and :class:`EvalReport` (``format_table()`` / ``to_dict()``). Tasks: ``extract-plaintext``
(:mod:`.extract_plaintext`) and ``attribution`` (:mod:`.attribution`).
"""

from claimtrack.evaluation.base import (
    DatasetMissingError,
    EvalReport,
    EvaluationError,
    UnknownTaskError,
    available_tasks,
    default_data_dir,
    get_task,
    register_task,
    run_task,
)

__all__ = [
    "DatasetMissingError",
    "EvalReport",
    "EvaluationError",
    "UnknownTaskError",
    "available_tasks",
    "default_data_dir",
    "get_task",
    "register_task",
    "run_task",
]
