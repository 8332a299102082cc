"""The evaluation framework: a registry of tasks, the report they return, and where data lives.

A task is registered under a name with :func:`register_task` and is anything with
``run(data_dir: Path, options: Mapping[str, Any]) -> EvalReport`` (a class with such a method,
instantiated without arguments, or a plain function with that signature). The CLI calls
:func:`run_task` and prints :meth:`EvalReport.format_table` or dumps :meth:`EvalReport.to_dict`.

Gold data sets are never in the repo: they live in ``../shared/data`` (see
``/work/shared/data/README.md``) or wherever ``CLAIMTRACK_DATA`` points.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from claimtrack.errors import ClaimtrackError

#: Environment variable that overrides where the gold data sets are looked for.
DATA_ENV = "CLAIMTRACK_DATA"

#: Modules that register the built-in tasks when imported.
BUILTIN_TASK_MODULES: tuple[str, ...] = (
    "claimtrack.evaluation.extract_plaintext",
    "claimtrack.evaluation.extract_html",
    "claimtrack.evaluation.attribution",
    "claimtrack.evaluation.events",
    "claimtrack.evaluation.geo",
    "claimtrack.evaluation.stance",
    "claimtrack.evaluation.threads",
)


class DatasetMissingError(ClaimtrackError):
    """A gold data set (or one of its files) is not where the task expects it."""

    def __init__(self, path: Path, what: str = "dataset") -> None:
        super().__init__(
            f"{what} not found: expected {path} (set {DATA_ENV} or pass --data to point at the "
            "shared data directory, see ../shared/data/README.md)"
        )
        self.path = path
        self.what = what


class UnknownTaskError(ClaimtrackError):
    """No task is registered under the requested name."""


class EvaluationError(ClaimtrackError):
    """A task cannot run as asked (bad option, missing system under test)."""


@dataclass
class EvalReport:
    """What one evaluation run measured.

    ``metrics`` holds the headline numbers (floats; counts may be ints). ``breakdown`` holds
    rows of a second table, e.g. one row per system compared or per gold category.
    """

    task: str
    dataset: str
    n_documents: int
    metrics: dict[str, float] = field(default_factory=dict)
    breakdown: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the report."""
        return {
            "task": self.task,
            "dataset": self.dataset,
            "n_documents": self.n_documents,
            "metrics": dict(self.metrics),
            "breakdown": {row: dict(values) for row, values in self.breakdown.items()},
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
        }

    def format_table(self) -> str:
        """A plain-text rendering: a header, the metrics, the breakdown table and the notes."""
        lines = [
            f"task: {self.task}",
            f"dataset: {self.dataset}",
            f"documents: {self.n_documents}",
            f"seconds: {self.seconds:.1f}",
        ]
        if self.metrics:
            lines.append("")
            lines.extend(
                _table(["metric", "value"], [[k, _fmt(v)] for k, v in self.metrics.items()])
            )
        if self.breakdown:
            columns: list[str] = []
            for values in self.breakdown.values():
                columns.extend(c for c in values if c not in columns)
            rows = [
                [row] + [_fmt(values[c]) if c in values else "-" for c in columns]
                for row, values in self.breakdown.items()
            ]
            lines.append("")
            lines.extend(_table([""] + columns, rows))
        if self.notes:
            lines.append("")
            lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)


def _fmt(value: float) -> str:
    """Counts print as integers, scores with three decimals."""
    if isinstance(value, bool) or isinstance(value, int):
        return str(int(value))
    return f"{value:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Left-aligned first column, right-aligned numbers, a dashed rule under the header."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first, *rest]).rstrip()

    return [render(header), "  ".join("-" * w for w in widths), *(render(r) for r in rows)]


class Task(Protocol):
    """What a registered task provides."""

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport: ...


TaskFunction = Callable[[Path, Mapping[str, Any]], EvalReport]
_T = TypeVar("_T")

_REGISTRY: dict[str, TaskFunction] = {}


def register_task(name: str) -> Callable[[_T], _T]:
    """Register a task class (instantiated once, without arguments) or function under ``name``."""

    def decorator(obj: _T) -> _T:
        if isinstance(obj, type):
            runner: TaskFunction = obj().run
        elif callable(obj):
            runner = obj  # type: ignore[assignment]
        else:
            raise TypeError(f"cannot register {obj!r} as a task: not a class or function")
        if name in _REGISTRY and _qualified(_REGISTRY[name]) != _qualified(runner):
            # Re-importing the defining module re-registers the same task; anything else clashes.
            raise ValueError(f"task {name!r} is already registered ({_qualified(_REGISTRY[name])})")
        _REGISTRY[name] = runner
        return obj

    return decorator


def _qualified(obj: object) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def _load_builtin_tasks() -> None:
    for module in BUILTIN_TASK_MODULES:
        importlib.import_module(module)


def available_tasks() -> list[str]:
    """The names of all registered tasks, built-in ones included, sorted."""
    _load_builtin_tasks()
    return sorted(_REGISTRY)


def get_task(name: str) -> TaskFunction:
    """The runner registered under ``name``; UnknownTaskError lists the known names."""
    _load_builtin_tasks()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise UnknownTaskError(f"unknown evaluation task {name!r} (known: {known})") from None


def run_task(name: str, data_dir: Path | str | None = None, **options: Any) -> EvalReport:
    """Run task ``name`` on ``data_dir`` (default: :func:`default_data_dir`) and time it."""
    runner = get_task(name)
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    started = time.perf_counter()
    report = runner(root, options)
    if not report.seconds:
        report.seconds = time.perf_counter() - started
    return report


def default_data_dir() -> Path:
    """Where the shared gold data is: ``$CLAIMTRACK_DATA``, else the first existing of
    ``./../shared/data`` (relative to the working directory) and ``<repo>/../shared/data``.

    When none exists, the repo-relative candidate is returned so that the error a task raises
    names a sensible path.
    """
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    candidates = default_data_candidates()
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return candidates[-1]


def default_data_candidates() -> list[Path]:
    """The places :func:`default_data_dir` looks at, in order (environment variable aside)."""
    repo = Path(__file__).resolve().parents[3]  # src/claimtrack/evaluation/base.py -> repo
    return [Path.cwd() / ".." / "shared" / "data", repo.parent / "shared" / "data"]


def require_path(path: Path, what: str = "dataset") -> Path:
    """Return ``path`` if it exists, else raise DatasetMissingError naming it."""
    if not path.exists():
        raise DatasetMissingError(path, what)
    return path


def check_options(task: str, options: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Reject options a task does not know, so that typos do not pass silently."""
    allowed_set = set(allowed)
    unknown = sorted(set(options) - allowed_set)
    if unknown:
        raise EvaluationError(
            f"task {task!r} does not take option(s) {', '.join(unknown)} "
            f"(it takes: {', '.join(sorted(allowed_set))})"
        )


SPLITS = ("all", "dev", "test")


def in_split(item_id: str, split: str) -> bool:
    """Whether an item of a gold set without a training part belongs to a split: ``dev`` when
    the SHA-1 of its id is even, ``test`` when odd, ``all`` always. Hashing (not file order)
    spreads every kind of item over both halves, and the halves never change."""
    if split == "all":
        return True
    parity = int(hashlib.sha1(item_id.encode("utf-8")).hexdigest(), 16) % 2
    return parity == (0 if split == "dev" else 1)


def safe_div(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or 0.0 when the denominator is 0."""
    return numerator / denominator if denominator else 0.0


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0.0 when both are 0)."""
    return safe_div(2 * precision * recall, precision + recall)
