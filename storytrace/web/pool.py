"""Compare requests in worker processes, so the app's own process stays free for pages and reads.

The compare pipeline holds the GIL for most of an analysis; in the app's process one analysis
at a time (`storytrace.web.service.PIPELINE_LOCK`) stalls every other request of that process.
`ComparePool` runs ``POST /api/compare`` and the analyses of stored stories not yet
analysed (their pages) in a pool of processes (``spawn``: no state forked
from the server's threads), each of which loads the models once at its start. A pool whose
process died (killed for memory, say) is replaced on the next request.

``processes`` is sized to the machine by `default_processes`: one per CPU but one (that one
stays with the server's own process, which parses the requests, answers the pages and writes
the answers; on 2 CPUs a second compare process made the pages slower and no compare faster),
at most as many as the memory holds at about 1 GB each (set by hand: a worker with the models
loaded and a ten-article compare peaks near 0.7 GB), at least 1, at most 8.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool

from storytrace.model import Article

__all__ = ["BrokenProcessPool", "ComparePool", "default_processes"]

_GB_PER_PROCESS = 1.0  # set by hand (see the module docstring)
_MAX_PROCESSES = 8  # set by hand


def default_processes() -> int:
    """Worker processes for this machine: one per CPU but one, as memory allows, 1 to 8."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gb = _GB_PER_PROCESS * cpus
    return max(1, min(cpus - 1, int(memory_gb / _GB_PER_PROCESS), _MAX_PROCESSES))


def _load_models() -> None:
    """Each worker loads the models once, at its start."""
    from storytrace.web.service import warm_up

    warm_up()


def _compare(articles: Sequence[Article], max_chars: int) -> dict:
    from storytrace.web.service import run_compare

    return run_compare(articles, max_chars)


def _analyse(articles: Sequence[Article]) -> dict:
    from storytrace.compare import compare_articles
    from storytrace.report.contract import comparison_to_dict

    return comparison_to_dict(compare_articles(list(articles)))


class ComparePool:
    """``processes`` worker processes for compares; `submit` returns a future of the contract."""

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        self._lock = threading.Lock()
        self._executor = self._start()

    def _start(self) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_load_models)

    def _submit(self, fn, *args) -> concurrent.futures.Future:
        """Queue ``fn(*args)`` in a worker. A pool broken by a dead process is replaced first."""
        with self._lock:
            try:
                return self._executor.submit(fn, *args)
            except BrokenProcessPool:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._start()
                return self._executor.submit(fn, *args)

    def submit(self, articles: Sequence[Article], max_chars: int) -> concurrent.futures.Future:
        """Queue one compare; a future of its contract."""
        return self._submit(_compare, list(articles), max_chars)

    def analyse(self, articles: Sequence[Article]) -> dict:
        """The compare contract of a stored story's compared articles, computed in a worker (blocks)."""
        return self._submit(_analyse, list(articles)).result()

    def shutdown(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=False, cancel_futures=True)
