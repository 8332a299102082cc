"""The HTML extractor chain in a child process, so that a page's time budget can stop it.

trafilatura and readability-lxml spend their time in lxml calls that SIGALRM cannot interrupt,
so a slow page in the pipeline's own process runs to its end whatever the budget. A big page
(over ``WORKER_ABOVE_CHARS`` after pruning) is therefore extracted in a child,
``python -m claimtrack.stages.extract_worker``, which the parent kills when the stage's budget
(:func:`claimtrack.pipeline.time_left`) runs out. Starting the child costs about 0.3 s, less than
extracting a page of that size takes; it also returns the extractors' memory (about 100 MB per
MB of HTML) to the system when it exits. The page goes in as JSON on stdin, the
:class:`HtmlExtraction` comes back as JSON on stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict

from claimtrack.stages.html_extract import HtmlExtraction

#: Pruned pages longer than this (characters) are extracted in a child process.
WORKER_ABOVE_CHARS = 1_000_000


class WorkerTimeout(Exception):
    """The child did not finish within the time it was given, and was killed."""


class WorkerFailed(Exception):
    """The child exited with an error."""


def extract_in_worker(html: str, url: str | None, timeout: float) -> HtmlExtraction:
    """:func:`extract_with_chain` on ``html`` in a child process, killed after ``timeout`` s
    (or when the caller is interrupted, by the pipeline's alarm or Ctrl-C)."""
    payload = json.dumps({"html": html, "url": url}).encode("utf-8")
    with subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        try:
            out, err = child.communicate(payload, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise WorkerTimeout(f"HTML extraction did not finish in {timeout:.1f} s") from None
        finally:
            if child.returncode is None:
                child.kill()  # Popen's exit then reaps it and closes the pipes
    if child.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise WorkerFailed(lines[-1] if lines else f"exit status {child.returncode}")
    fields = json.loads(out)
    for name in ("paragraphs", "candidates_used"):
        fields[name] = tuple(fields[name])
    return HtmlExtraction(**fields)


def main() -> None:
    """Read {"html", "url"} from stdin, write the extraction as JSON to stdout."""
    from claimtrack.stages.html_extract import extract_with_chain

    request = json.loads(sys.stdin.buffer.read())
    result = extract_with_chain(request["html"], request["url"])
    sys.stdout.write(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
