"""Load on `storytrace serve`: concurrent ``POST /api/compare`` and GET requests, bounded in time.

Starts its own server on 127.0.0.1 (a fresh store in a temporary folder, holding the
request's articles, ingested over ``POST /api/articles`` so the list pages show a story)
unless ``--url`` points at a running one, waits until it answers and has loaded its models
(one untimed warm-up compare), then sends ``--requests`` compare requests, at most
``--concurrency`` at a time, each with the same seed-sized articles: the .txt files in
``--seeds`` (default ../shared/seeds, read at run time) or, when there are none, three short
built-in versions of a made-up story. One second after the compares start it sends ``--gets``
GET requests at once, spread over ``/api/stories``, ``/`` (the HTML stories page) and
``/healthz``; for the whole load it also times one ``GET /healthz`` every 0.5 s. Everything
must finish within ``--timeout`` seconds; requests still open then count as errors.

Prints, for the compares: errors (goal 0; anything but a 200 or a back-pressure 503 with
Retry-After, a connection failure or a timeout), how many were answered 503 and their share,
latency p50/p95/max of the 200s and, apart, of the 503s (these should come back at once),
and 200s per second; for the GETs: errors and p50/p95/max; for the /healthz samples:
p50/p95/max. Exits 1 when any of the three had an error.

    python -m bench.serve_load [--requests 200] [--concurrency 200] [--gets 500] [--url URL]
                               [--workers N] [--compare-processes N] [--timeout 300]
                               [--seeds DIR] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"

#: what the GETs ask for, in turn: the JSON list, the HTML stories page, the health check
GET_PATHS = ("/api/stories", "/", "/healthz")
#: seconds after the compares start that the GETs are sent: the compare queue is full by then
GETS_AFTER_S = 1.0
#: seconds between two /healthz samples
HEALTHZ_EVERY_S = 0.5
#: a health check slower than this has failed
HEALTHZ_TIMEOUT_S = 30.0

BUILTIN = [
    ("harbour-wire", "Harbour crane collapses at Pell Quay\n\n"
     "A 60-metre container crane collapsed at Pell Quay early on Tuesday, crushing two empty trucks, the port "
     "authority said. No one was hurt. Operations at the quay were suspended while engineers inspect the other "
     "cranes, spokesperson Dana Ruiz said. \"We will not reopen until every crane has been checked,\" Ruiz told "
     "reporters. The crane was installed in 2009 and last inspected in March. The port handles about 900,000 "
     "containers a year. Unions have complained about maintenance cuts since 2022."),
    ("harbour-rewrite", "Crane falls at Pell Quay, quay shut\n\n"
     "A 60-metre container crane fell at Pell Quay early on Tuesday, crushing two empty lorries, according to the "
     "port authority. Nobody was injured. Work at the quay has been halted while engineers check the remaining "
     "cranes, spokesperson Dana Ruiz said. \"We will not reopen until every crane has been checked,\" Ruiz said. "
     "The crane was installed in 2009 and last inspected in May. The port handles about 900,000 containers a year."),
    ("harbour-blend", "Pell Quay closed after crane collapse\n\n"
     "Pell Quay was closed on Tuesday after a container crane came down in the early hours, flattening two trucks. "
     "The port authority said no one was hurt and that the other cranes will be inspected. Dock workers' unions "
     "said the accident shows the cost of maintenance cuts. The port, which handles about 1.2 million containers a "
     "year, did not say when the quay would reopen."),
]


def load_articles(seeds: Path) -> tuple[list[dict], str]:
    files = sorted(str(p) for p in seeds.glob("*.txt")) if seeds.is_dir() else []
    if files:
        from storytrace.readers.records import read_articles

        arts = read_articles(files)
        return [{"id": a.id, "text": a.text, "title": a.title, "source": a.source,
                 "published_at": a.published_at} for a in arts], f"{len(arts)} seeds from {seeds}"
    return [{"id": i, "text": t} for i, t in BUILTIN], "3 built-in articles"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int, compare_processes: int | None, token: str, log_path: Path,
                 tmp: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    # a token of our own, not the caller's: the bench ingests into its own store only
    env = {**os.environ, "STORYTRACE_TOKEN": token}
    cmd = [sys.executable, "-m", "storytrace.cli", "serve", "--db", str(tmp / "bench.db"), "--create",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if compare_processes is not None:  # only when asked: a serve without the option still runs
        cmd += ["--compare-processes", str(compare_processes)]
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=str(REPO), env=env)
    return proc, f"http://127.0.0.1:{port}"


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


async def wait_ready(client, url: str, deadline: float, proc: subprocess.Popen | None) -> None:
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            r = await client.get(url + "/healthz", timeout=2)
            if r.status_code == 200:
                return
        except Exception:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer /healthz in time")
        await asyncio.sleep(0.2)


async def ingest(client, url: str, token: str, articles: list[dict]) -> dict:
    """Store the request's articles, so /api/stories and / list a story rather than nothing."""
    r = await client.post(url + "/api/articles", json={"articles": articles},
                          headers={"authorization": f"Bearer {token}"})
    if r.status_code != 200:
        raise RuntimeError(f"ingest failed: {r.status_code} {r.text[:300]}")
    return r.json().get("totals") or {}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q * (len(s) - 1))))
    return s[k]


def summary(values: list[float]) -> dict:
    """p50/p95/max/mean in seconds (None when there are no values, so the JSON stays valid)."""
    if not values:
        return {"p50": None, "p95": None, "max": None, "mean": None}
    return {"p50": round(pct(values, 0.50), 3), "p95": round(pct(values, 0.95), 3),
            "max": round(max(values), 3), "mean": round(statistics.fmean(values), 3)}


async def compare_once(client, url: str, body: bytes, n_articles: int) -> tuple[str, float]:
    """One compare: ("200" | "503" | an error's name, seconds)."""
    t0 = time.perf_counter()
    try:
        r = await client.post(url + "/api/compare", content=body, headers={"content-type": "application/json"})
    except Exception as exc:
        return type(exc).__name__, time.perf_counter() - t0
    dt = time.perf_counter() - t0
    if r.status_code == 503:
        # back-pressure says when to come back; a 503 without it is the server failing
        return ("503", dt) if r.headers.get("retry-after") else ("HTTP 503 without Retry-After", dt)
    if r.status_code != 200:
        return f"HTTP {r.status_code}", dt
    try:
        n = len(r.json().get("articles") or [])
    except ValueError:
        n = -1
    return ("200", dt) if n == n_articles else ("bad answer", dt)


async def get_once(client, url: str, path: str, delay: float = 0.0,
                   timeout: float | None = None) -> tuple[str, float]:
    """One GET after ``delay`` seconds: ("200" | an error's name, seconds)."""
    await asyncio.sleep(delay)
    t0 = time.perf_counter()
    try:
        r = await (client.get(url + path) if timeout is None else client.get(url + path, timeout=timeout))
    except Exception as exc:
        return f"{path}: {type(exc).__name__}", time.perf_counter() - t0
    dt = time.perf_counter() - t0
    return ("200", dt) if r.status_code == 200 else (f"{path}: HTTP {r.status_code}", dt)


async def sample_healthz(client, url: str, stop: asyncio.Event) -> list[tuple[str, float]]:
    """GET /healthz every HEALTHZ_EVERY_S until ``stop``; one at a time, so a slow answer delays
    the next sample rather than piling up requests. A sample over HEALTHZ_TIMEOUT_S is an error
    (and the end of the run never waits longer than that for the last one)."""
    samples: list[tuple[str, float]] = []
    next_t = time.monotonic()
    while not stop.is_set():
        samples.append(await get_once(client, url, "/healthz", timeout=HEALTHZ_TIMEOUT_S))
        next_t = max(next_t + HEALTHZ_EVERY_S, time.monotonic())
        try:
            await asyncio.wait_for(stop.wait(), timeout=next_t - time.monotonic())
        except TimeoutError:
            pass
    return samples


def tally(results: list[tuple[str, float]], ok: tuple[str, ...]) -> tuple[dict[str, list[float]], Counter[str]]:
    """Latencies by the ``ok`` kinds, and a count of every other kind (the errors)."""
    lat: dict[str, list[float]] = {k: [] for k in ok}
    errors: Counter[str] = Counter()
    for kind, dt in results:
        if kind in lat:
            lat[kind].append(dt)
        else:
            errors[kind] += 1
    return lat, errors


async def finish(tasks: list[asyncio.Task]) -> list[tuple[str, float]]:
    """The results of ``tasks``; those still open (past --timeout) are cancelled and count as errors."""
    out = []
    for task in tasks:
        if task.done() and not task.cancelled():
            out.append(task.result())
        else:
            task.cancel()
            out.append(("timeout (total --timeout)", float("nan")))
    await asyncio.gather(*tasks, return_exceptions=True)
    return out


async def run(args, articles: list[dict]) -> dict:
    import httpx

    body = json.dumps({"articles": articles, "include_text": False}).encode("utf-8")
    start_all = time.monotonic()
    deadline = start_all + args.timeout
    timeout = httpx.Timeout(args.timeout, connect=30)
    # three clients: a GET or a /healthz sample must not wait for a connection held by a compare
    compare_limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    get_limits = httpx.Limits(max_connections=max(1, args.gets), max_keepalive_connections=max(1, args.gets))
    async with httpx.AsyncClient(limits=compare_limits, timeout=timeout) as client, \
            httpx.AsyncClient(limits=get_limits, timeout=timeout) as get_client, \
            httpx.AsyncClient(timeout=timeout) as health_client:
        await wait_ready(client, args.url, min(deadline, time.monotonic() + 90), args.proc)
        store = await ingest(client, args.url, args.token, articles) if args.token else None
        t = time.perf_counter()
        warm = await client.post(args.url + "/api/compare", content=body, headers={"content-type": "application/json"})
        warm_s = time.perf_counter() - t
        if warm.status_code != 200:
            raise RuntimeError(f"warm-up request failed: {warm.status_code} {warm.text[:300]}")
        sem = asyncio.Semaphore(args.concurrency)
        compare_end: list[float] = []

        async def one() -> tuple[str, float]:
            async with sem:
                res = await compare_once(client, args.url, body, len(articles))
            compare_end.append(time.perf_counter())
            return res

        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_healthz(health_client, args.url, stop))
        t_start = time.perf_counter()
        compares = [asyncio.create_task(one()) for _ in range(args.requests)]
        gets = [asyncio.create_task(get_once(get_client, args.url, GET_PATHS[i % len(GET_PATHS)], GETS_AFTER_S))
                for i in range(args.gets)]
        await asyncio.wait(compares + gets, timeout=max(1.0, deadline - time.monotonic()))
        stop.set()
        compare_res = await finish(compares)
        get_res = await finish(gets)
        wall = (max(compare_end) if compare_end else time.perf_counter()) - t_start
        health_res = await sampler
    lat, errors = tally(compare_res, ("200", "503"))
    get_lat, get_errors = tally(get_res, ("200",))
    health_lat, health_errors = tally(health_res, ("200",))
    n_503 = len(lat["503"])
    return {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "ok": len(lat["200"]),
        "answered_503": n_503,
        "share_503": round(n_503 / args.requests, 3),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "latency_s": summary(lat["200"]),
        "latency_503_s": summary(lat["503"]),
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(lat["200"]) / wall, 2) if wall > 0 else None,
        "warm_up_request_s": round(warm_s, 3),
        "gets": {"requests": args.gets, "paths": list(GET_PATHS), "sent_after_s": GETS_AFTER_S,
                 "ok": len(get_lat["200"]), "errors": sum(get_errors.values()), "error_kinds": dict(get_errors),
                 "latency_s": summary(get_lat["200"])},
        "healthz": {"every_s": HEALTHZ_EVERY_S, "samples": len(health_res), "errors": sum(health_errors.values()),
                    "error_kinds": dict(health_errors), "latency_s": summary(health_lat["200"])},
        "store": store,
    }


def _s(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f} s"


def print_result(result: dict, args, articles: list[dict], what: str, chars: list[int]) -> None:
    lat, lat503, gets, hz = result["latency_s"], result["latency_503_s"], result["gets"], result["healthz"]
    print(f"storytrace serve load: {result['requests']} x POST /api/compare, concurrency {result['concurrency']}, "
          f"{len(articles)} articles/request ({what}; {', '.join(map(str, chars))} chars); "
          f"{gets['requests']} x GET {', '.join(gets['paths'])} after {gets['sent_after_s']:g} s")
    procs = f", --compare-processes {args.compare_processes}" if args.compare_processes is not None else ""
    store = result["store"]
    print(f"  server: {result['url']}" + (f", {args.workers} worker(s){procs}" if args.proc else "")
          + f"; {result['cpus']} CPUs"
          + (f"; store: {store.get('articles')} articles, {store.get('stories')} stories" if store else ""))
    print(f"  compare errors: {result['errors']}" + (f" {result['error_kinds']}" if result["errors"] else ""))
    print(f"  compare answered 200: {result['ok']}; answered 503: {result['answered_503']} "
          f"({100 * result['share_503']:.1f} %)")
    print(f"  compare latency (200): p50 {_s(lat['p50'])} · p95 {_s(lat['p95'])} · max {_s(lat['max'])}")
    print(f"  compare latency (503): p50 {_s(lat503['p50'])} · p95 {_s(lat503['p95'])} · max {_s(lat503['max'])}")
    print(f"  throughput: {result['requests_per_s']} answered 200/s over {result['wall_s']} s "
          f"(warm-up request {result['warm_up_request_s']} s, not counted)")
    gl = gets["latency_s"]
    if gets["requests"]:
        print(f"  GETs: {gets['ok']} ok, errors: {gets['errors']}"
              + (f" {gets['error_kinds']}" if gets["errors"] else "")
              + f"; p50 {_s(gl['p50'])} · p95 {_s(gl['p95'])} · max {_s(gl['max'])}")
    hl = hz["latency_s"]
    print(f"  GET /healthz every {hz['every_s']:g} s during the load: {hz['samples']} samples, errors: {hz['errors']}"
          + (f" {hz['error_kinds']}" if hz["errors"] else "")
          + f"; p50 {_s(hl['p50'])} · p95 {_s(hl['p95'])} · max {_s(hl['max'])}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--gets", type=int, default=500, help="GET requests sent at once during the compares")
    ap.add_argument("--url", help="a running server (default: start one on 127.0.0.1)")
    ap.add_argument("--workers", type=int, default=1, help="worker processes of the server this starts")
    ap.add_argument("--compare-processes", type=int, default=None,
                    help="passed to the `storytrace serve` this starts (not passed when not given)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds for the whole run")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        ap.error("--requests and --concurrency must be at least 1")
    if args.gets < 0:
        ap.error("--gets must be at least 0")
    articles, what = load_articles(args.seeds)
    chars = [len(a["text"]) for a in articles]
    tmp = Path(tempfile.mkdtemp(prefix="storytrace-load-"))
    args.proc = None
    args.token = None  # set only for our own server: never ingest into a server we did not start
    log_path = tmp / "server.log"
    try:
        if not args.url:
            args.token = secrets.token_hex(16)
            args.proc, args.url = start_server(args.workers, args.compare_processes, args.token, log_path, tmp)
        args.url = args.url.rstrip("/")
        try:
            result = asyncio.run(run(args, articles))
        except RuntimeError as exc:
            tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
            print(f"error: {exc}\n{tail}", file=sys.stderr)
            return 1
    finally:
        if args.proc is not None:
            stop_server(args.proc)
    result.update({
        "url": args.url if not args.proc else "own server on 127.0.0.1",
        "server_workers": args.workers if args.proc else None,
        "server_compare_processes": args.compare_processes if args.proc else None,
        "articles_per_request": len(articles),
        "chars_per_article": chars,
        "articles": what,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    })
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_result(result, args, articles, what, chars)
    return 0 if result["errors"] + result["gets"]["errors"] + result["healthz"]["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
