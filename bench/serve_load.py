"""Load on `storytrace serve`: many concurrent ``POST /api/compare`` requests, bounded in time.

Starts its own server on 127.0.0.1 (a fresh empty store in a temporary folder)
unless ``--url`` points at a running one, waits until it answers and has
loaded its models (one untimed warm-up request), then sends ``--requests``
compare requests, at most ``--concurrency`` at a time, each with the same
seed-sized articles: the .txt files in ``--seeds`` (default ../shared/seeds,
read at run time) or, when there are none, three short built-in versions of a
made-up story. Everything must finish within ``--timeout`` seconds; requests
still open then count as errors.

Prints errors (goal 0), latency p50/p95/max and requests per second.

    python -m bench.serve_load [--requests 200] [--concurrency 200] [--url URL] [--workers N]
                               [--timeout 300] [--seeds DIR] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
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


def start_server(workers: int, log_path: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "STORYTRACE_TOKEN"}
    cmd = [sys.executable, "-m", "storytrace.cli", "serve", "--db", str(tmp / "bench.db"), "--create",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
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


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q * (len(s) - 1))))
    return s[k]


async def run(args, articles: list[dict]) -> dict:
    import httpx

    payload = {"articles": articles, "include_text": False}
    body = json.dumps(payload).encode("utf-8")
    headers = {"content-type": "application/json"}
    start_all = time.monotonic()
    deadline = start_all + args.timeout
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(args.timeout, connect=30)) as client:
        await wait_ready(client, args.url, min(deadline, time.monotonic() + 90), args.proc)
        t = time.perf_counter()
        warm = await client.post(args.url + "/api/compare", content=body, headers=headers)
        warm_s = time.perf_counter() - t
        if warm.status_code != 200:
            raise RuntimeError(f"warm-up request failed: {warm.status_code} {warm.text[:300]}")
        sem = asyncio.Semaphore(args.concurrency)
        lat: list[float] = []
        errors: Counter[str] = Counter()

        async def one() -> None:
            async with sem:
                t0 = time.perf_counter()
                try:
                    r = await client.post(args.url + "/api/compare", content=body, headers=headers)
                except Exception as exc:
                    errors[type(exc).__name__] += 1
                    return
                dt = time.perf_counter() - t0
                if r.status_code != 200:
                    errors[f"HTTP {r.status_code}"] += 1
                    return
                doc = r.json()
                if len(doc.get("articles") or []) != len(articles):
                    errors["bad answer"] += 1
                    return
                lat.append(dt)

        async def probe() -> float | None:
            """While the compares queue: how long a plain read (GET /api/stories) takes."""
            await asyncio.sleep(2.0)
            t1 = time.perf_counter()
            try:
                r = await client.get(args.url + "/api/stories", timeout=60)
            except Exception:
                return None
            return time.perf_counter() - t1 if r.status_code == 200 else None

        tasks = [asyncio.create_task(one()) for _ in range(args.requests)]
        probe_task = asyncio.create_task(probe())
        t_start = time.perf_counter()
        remaining = max(1.0, deadline - time.monotonic())
        done, pending = await asyncio.wait(tasks, timeout=remaining)
        wall = time.perf_counter() - t_start
        probe_s = await probe_task if probe_task.done() or not pending else None
        if not probe_task.done():
            probe_task.cancel()
        for task in pending:
            task.cancel()
        if pending:
            errors["timeout (total --timeout)"] += len(pending)
            await asyncio.gather(*pending, return_exceptions=True)
    n_err = sum(errors.values())
    return {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "ok": len(lat),
        "errors": n_err,
        "error_kinds": dict(errors),
        "latency_s": {"p50": round(pct(lat, 0.50), 3), "p95": round(pct(lat, 0.95), 3),
                      "max": round(max(lat), 3) if lat else None,
                      "mean": round(statistics.fmean(lat), 3) if lat else None},
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(lat) / wall, 2) if wall > 0 else None,
        "warm_up_request_s": round(warm_s, 3),
        "read_during_load_s": round(probe_s, 3) if probe_s is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--url", help="a running server (default: start one on 127.0.0.1)")
    ap.add_argument("--workers", type=int, default=1, help="worker processes of the server this starts")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds for the whole run")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        ap.error("--requests and --concurrency must be at least 1")
    articles, what = load_articles(args.seeds)
    chars = [len(a["text"]) for a in articles]
    tmp = Path(tempfile.mkdtemp(prefix="storytrace-load-"))
    args.proc = None
    log_path = tmp / "server.log"
    try:
        if not args.url:
            args.proc, args.url = start_server(args.workers, log_path, tmp)
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
        "articles_per_request": len(articles),
        "chars_per_article": chars,
        "articles": what,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    })
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        lat = result["latency_s"]
        print(f"storytrace serve load: {result['requests']} x POST /api/compare, concurrency {result['concurrency']}, "
              f"{len(articles)} articles/request ({what}; {', '.join(map(str, chars))} chars)")
        print(f"  server: {result['url']}" + (f", {args.workers} worker(s)" if args.proc else "")
              + f"; {result['cpus']} CPUs")
        print(f"  errors: {result['errors']}" + (f" {result['error_kinds']}" if result["errors"] else ""))
        print(f"  latency: p50 {lat['p50']:.3f} s · p95 {lat['p95']:.3f} s · max {lat['max']} s")
        print(f"  throughput: {result['requests_per_s']} requests/s over {result['wall_s']} s "
              f"(warm-up request {result['warm_up_request_s']} s, not counted)")
        if result["read_during_load_s"] is not None:
            print(f"  a GET /api/stories during the load took {result['read_during_load_s']:.3f} s")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
