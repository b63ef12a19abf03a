"""``make bench``: the portal's speed at national scale, measured against a floor.

For each scale (BENCH_SCHOOLS, default "150,1500"): a PostgreSQL database of its own
(bench_150, bench_1500 — never the portal's), migrated and filled by ``seed_scale`` (kept
between runs: seeding is slow; BENCH_RESEED=1 builds it again); gunicorn serving the
portal as in production (DJANGO_DEBUG=false, a generated key, host 127.0.0.1, static files
collected into a STATIC_ROOT of its own, var/bench/static, served by WhiteNoise) plus the
benchmark's floor pages (bench_settings, never production); every page of pages.py measured one
request at a time and under 16 connections, with its query count; the PDFs timed against
a bare WeasyPrint render of the same HTML. Writes var/bench/results.json and results.md
(and a dated copy of each). All traffic goes to 127.0.0.1; every phase is bounded in
requests and seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import httpbench  # noqa: E402
import report  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


CONFIG = {
    "schools": [int(n) for n in os.environ.get("BENCH_SCHOOLS", "150,1500").split(",")],
    "requests": env_int("BENCH_REQUESTS", 20),
    "warmup": env_int("BENCH_WARMUP", 3),
    "connections": env_int("BENCH_CONNECTIONS", 16),
    "concurrent_requests": env_int("BENCH_CONCURRENT_REQUESTS", 96),
    "time_cap_s": env_int("BENCH_TIME_CAP", 20),
    "export_requests": env_int("BENCH_EXPORT_REQUESTS", 5),
    "pdf_repeat": env_int("BENCH_PDF_REPEAT", 3),
    "workers": env_int("BENCH_WORKERS", 3),
    "port": env_int("BENCH_PORT", 8200),
    "jobs": env_int("BENCH_JOBS", 0) or None,
    "reseed": os.environ.get("BENCH_RESEED", "") not in ("", "0", "false"),
    "pdfs": os.environ.get("BENCH_PDFS", "1") not in ("", "0", "false"),
    "pg": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    # A Redis database of the benchmark's own (cache, sessions read through it), flushed at
    # the start of each scale; "" (or no Redis answering) measures without Redis.
    "redis": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
    "threads": env_int("BENCH_THREADS", 8),
    "out": Path(os.environ.get("BENCH_OUT", ROOT / "var" / "bench")),
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Databases -------------------------------------------------------------------------------


def db_url(name: str) -> str:
    if not re.fullmatch(r"bench_[a-z0-9_]+", name):
        raise SystemExit(f"Refusing database {name!r}: the benchmark only touches bench_* ones.")
    return re.sub(r"/[^/]*$", f"/{name}", CONFIG["pg"])


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(CONFIG["pg"], autocommit=True) as conn:
        conn.execute(sql)


def seeded_schools(name: str) -> int:
    """How many scale schools the database holds with a submitted plan (0 if none)."""
    import psycopg

    try:
        with psycopg.connect(db_url(name)) as conn:
            row = conn.execute(
                "SELECT count(*) FROM applications_plan p JOIN schools_school s "
                "ON s.id = p.school_id WHERE s.code LIKE 'S%%' AND EXISTS "
                "(SELECT 1 FROM review_assignment a WHERE a.plan_id = p.id)"
            ).fetchone()
            return row[0]
    except psycopg.Error:
        return 0


def django_env(name: str, key: str, tmp: Path, *, debug: bool, bench: bool) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PORTAL_"))
    }
    if redis_url():
        env["REDIS_URL"] = redis_url()
    env.update(
        DATABASE_URL=db_url(name),
        DJANGO_DEBUG="true" if debug else "false",
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(CONFIG["out"] / "static"),
        PORTAL_PRIVATE_MEDIA_ROOT=str(tmp / "private"),
        PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]),
        DJANGO_SETTINGS_MODULE="bench_settings" if bench else "portal.settings",
    )
    return env


_REDIS: list[str] = []


def redis_url() -> str:
    """BENCH_REDIS_URL if a Redis answers there, else "" (asked once per run)."""
    if not _REDIS:
        url = CONFIG["redis"]
        if url:
            try:
                import redis

                redis.Redis.from_url(url, socket_connect_timeout=2).ping()
            except Exception as exc:  # any failure means: measure without Redis
                log(f"Redis at {url} does not answer ({exc}): measuring without Redis")
                url = ""
        _REDIS.append(url)
    return _REDIS[0]


def flush_redis() -> None:
    """The benchmark's Redis database emptied: no cache or session of an earlier scale."""
    if redis_url():
        import redis

        redis.Redis.from_url(redis_url()).flushdb()


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def ensure_database(schools: int, key: str, tmp: Path) -> float | None:
    """The scale's database, migrated and seeded; the seconds seeding took (None: reused)."""
    name = f"bench_{schools}"
    env = django_env(name, key, tmp, debug=True, bench=False)
    if not CONFIG["reseed"] and seeded_schools(name) == schools:
        log(f"{name}: reusing the seeded database (BENCH_RESEED=1 to build it again)")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        return None
    log(f"{name}: creating, migrating and seeding {schools} schools")
    admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin(f"CREATE DATABASE {name}")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    started = time.perf_counter()
    seed = [PYTHON, "manage.py", "seed_scale", "--schools", str(schools)]
    if CONFIG["jobs"]:
        seed += ["--jobs", str(CONFIG["jobs"])]
    run(seed, env, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    log(f"{name}: seeded in {seconds:.0f} s")
    return seconds


# --- The server ------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, key: str, tmp: Path, port: int):
        self.env = django_env(name, key, tmp, debug=False, bench=True)
        self.port = port
        self.log = open(CONFIG["out"] / f"gunicorn-{port}.log", "w")  # noqa: SIM115
        self.process = None

    def __enter__(self):
        cmd = [
            str(BIN / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(CONFIG["workers"]),
            "--threads",
            str(CONFIG["threads"]),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(
            cmd, env=self.env, cwd=ROOT, stdout=self.log, stderr=self.log, start_new_session=True
        )
        client = httpbench.Client(self.port, timeout=5)
        for _i in range(120):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log.name}")
            try:
                if client.request("GET", "/healthz/")[1] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer on port {self.port}; see {self.log.name}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


# --- Measuring -------------------------------------------------------------------------------


def measure_page(port: int, page: dict, sessions: dict, floor: dict | None = None) -> dict:
    """One page, one request at a time then over N connections. With ``floor``, the floor
    is measured again just before (half as many requests): on a busy machine the load
    drifts within minutes, and the page's ratio is read against this nearby floor."""
    session = sessions.get(page["user"])
    row = dict(page)
    if page.get("missing"):
        return row
    export = page["kind"] == "export"
    if floor is not None and not export:
        row["floor_seq"] = httpbench.one_at_a_time(
            port,
            floor["url"],
            None,
            requests=max(5, CONFIG["requests"] // 2),
            warmup=1,
            time_cap=CONFIG["time_cap_s"],
        )
    row["seq"] = httpbench.one_at_a_time(
        port,
        page["url"],
        session,
        requests=CONFIG["export_requests"] if export else CONFIG["requests"],
        warmup=1 if export else CONFIG["warmup"],
        time_cap=CONFIG["time_cap_s"],
    )
    if not export:
        row["conc"] = httpbench.concurrent(
            port,
            page["url"],
            session,
            connections=CONFIG["connections"],
            requests=CONFIG["concurrent_requests"],
            time_cap=CONFIG["time_cap_s"],
        )
    seq = row["seq"]
    log(
        f"  {page['name']}: median {seq['median_ms']} ms, p95 {seq['p95_ms']} ms, "
        f"{seq['queries']} queries, statuses {seq['statuses']}"
        + (f"; 16 conn p95 {row['conc']['p95_ms']} ms" if "conc" in row else "")
        + (f"; floor just before {row['floor_seq']['median_ms']} ms" if "floor_seq" in row else "")
    )
    return row


def measure_pdfs(name: str, key: str, tmp: Path, pdfs: list[dict]) -> list[dict]:
    env = django_env(name, key, tmp, debug=False, bench=True)
    rows = []
    for pdf in pdfs:
        row = dict(pdf)
        if pdf["target"] is None:
            row["missing"] = "no object"
            rows.append(row)
            continue
        cmd = [PYTHON, str(HERE / "pdfs.py"), "--kind", pdf["kind"], "--target", str(pdf["target"])]
        cmd += ["--repeat", str(CONFIG["pdf_repeat"])]
        try:
            done = subprocess.run(
                cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
            )
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            row.update(json.loads(lines[-1]) if lines else {"error": done.stderr[-2000:]})
        except subprocess.TimeoutExpired:
            row["error"] = "over 900 s"
        log(f"  {pdf['name']}: {row}")
        rows.append(row)
    return rows


def measure_scale(schools: int, key: str, tmp: Path, port: int) -> dict:
    seed_seconds = ensure_database(schools, key, tmp)
    flush_redis()
    name = f"bench_{schools}"
    env = django_env(name, key, tmp, debug=False, bench=True)
    prepared = json.loads(
        run([PYTHON, str(HERE / "prepare.py")], env, capture_output=True, text=True).stdout
    )
    sessions = prepared["sessions"]
    result = {
        "schools": prepared["schools"],
        "seed_seconds": seed_seconds,
        "context": prepared["context"],
    }
    with Server(name, key, tmp, port):
        log(f"{name}: gunicorn on 127.0.0.1:{port}")
        result["floor"] = measure_page(port, prepared["floor"], sessions)
        result["floor_layout"] = measure_page(port, prepared["floor_layout"], sessions)
        result["pages"] = [
            measure_page(port, page, sessions, prepared["floor"]) for page in prepared["pages"]
        ]
        # The floor again at the end: the machine's noise over the run.
        result["floor_end"] = measure_page(port, prepared["floor"], sessions)
    if CONFIG["pdfs"]:
        result["pdfs"] = measure_pdfs(name, key, tmp, prepared["pdfs"])
    return result


def static_fingerprint() -> str:
    """What the project's static files are now (paths, sizes, times): collectstatic
    post-processes every file every time (minutes on a small machine), so it runs only when
    this changed since the last run."""
    import hashlib

    digest = hashlib.sha256()
    for folder in sorted([ROOT / "static", *ROOT.glob("*/static")]):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()


def collectstatic(env: dict) -> None:
    root = CONFIG["out"] / "static"
    stamp = root / ".bench-fingerprint"
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        log(f"static files unchanged since the last run ({root})")
        return
    log(f"collectstatic into {root}")
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    stamp.write_text(fingerprint)


def machine() -> dict:
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
        "python": sys.version.split()[0],
    }


def main() -> None:
    out = CONFIG["out"]
    out.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    started = dt.datetime.now(dt.UTC)
    try:
        env = django_env(f"bench_{CONFIG['schools'][0]}", key, tmp, debug=False, bench=False)
        collectstatic(env)
        results = {
            "started": started.isoformat(timespec="seconds"),
            "machine_before": machine(),
            "config": {k: str(v) if isinstance(v, Path) else v for k, v in CONFIG.items()}
            | {"redis": redis_url()},
            "scales": {},
        }
        for i, schools in enumerate(CONFIG["schools"]):
            results["scales"][str(schools)] = measure_scale(schools, key, tmp, CONFIG["port"] + i)
        results["machine_after"] = machine()
        results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        results["goals"] = report.goals(results)
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        for path in (out / "results.json", out / f"results-{stamp}.json"):
            path.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        markdown = report.markdown(results)
        for path in (out / "results.md", out / f"results-{stamp}.md"):
            path.write_text(markdown)
        print(markdown)
        log(f"written {out / 'results.md'} and {out / 'results.json'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
