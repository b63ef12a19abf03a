"""``make bench-load``: the deadline-day load, at three times the real size, for a bounded time.

The real size is BENCH_LOAD_BASE schools (150) with 30 reviewers per 100 schools; three
times that many virtual users, on their own PostgreSQL database (bench_load_150, seeded once:
the schools' plans complete drafts, the applications of one more real-size batch of schools
assigned and not yet scored):

- every school autosaves a section of its plan every 20 s (the page's htmx autosave, with
  the revision it was given back) and changes a budget line every 60 s;
- every reviewer saves a draft of a review every 30 s (the scoring form);
- ministry staff (3 per 150 schools, times three) open a board every 5 s.

Requests are sent on schedule whatever the server's pace (an open model), by a bounded
thread pool, to 127.0.0.1 only, for BENCH_LOAD_SECONDS (60). Writes var/bench/load.json and
load.md: per kind of request the count, median, 95th percentile and errors, and the goal
(95th percentile under 300 ms, no errors) marked met or not met.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import httpbench  # noqa: E402
import run as bench  # noqa: E402
from report import LOAD_P95_MS  # noqa: E402

BASE = int(os.environ.get("BENCH_LOAD_BASE", 150))
FACTOR = 3
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", 48))
PORT = int(os.environ.get("BENCH_LOAD_PORT", 8250))
SCHOOLS = BASE * FACTOR
REVIEWERS = max(6, BASE * 30 // 100) * FACTOR
MINISTRY = max(1, BASE * 3 // 150) * FACTOR
REVISION = re.compile(r'name="revision" value="(\d+)"')


def ensure_database(key, tmp) -> str:
    name = f"bench_load_{BASE}"
    env = bench.django_env(name, key, tmp, debug=True, bench=False)
    import psycopg

    try:
        with psycopg.connect(bench.db_url(name)) as conn:
            drafts = conn.execute(
                "SELECT count(*) FROM applications_plan p JOIN schools_school s ON "
                "s.id = p.school_id WHERE s.code LIKE 'S%%' AND p.status = 'draft'"
            ).fetchone()[0]
    except psycopg.Error:
        drafts = 0
    if drafts == SCHOOLS and not bench.CONFIG["reseed"]:
        bench.run([bench.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        return name
    bench.log(f"{name}: seeding {SCHOOLS + BASE} schools ({SCHOOLS} drafting)")
    bench.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    bench.admin(f"CREATE DATABASE {name}")
    bench.run([bench.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    seed = [bench.PYTHON, "manage.py", "seed_scale", "--schools", str(SCHOOLS + BASE)]
    seed += ["--drafts", str(SCHOOLS), "--reviewers", str(REVIEWERS), "--no-reviews"]
    bench.run(seed, env)
    return name


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.statuses: dict[str, dict[int, int]] = {}
        self.late = 0

    def add(self, kind, seconds, status, ok):
        with self.lock:
            self.samples.setdefault(kind, []).append(seconds * 1000)
            self.statuses.setdefault(kind, {}).setdefault(status, 0)
            self.statuses[kind][status] += 1
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> dict:
        out = {}
        every = []
        for kind, values in sorted(self.samples.items()):
            values.sort()
            every += values
            out[kind] = {
                "n": len(values),
                "median_ms": round(statistics.median(values), 1),
                "p95_ms": round(httpbench.percentile(values, 95), 1),
                "errors": self.errors.get(kind, 0),
                "statuses": {str(k): v for k, v in sorted(self.statuses[kind].items())},
            }
        every.sort()
        out["all"] = {
            "n": len(every),
            "median_ms": round(statistics.median(every), 1) if every else None,
            "p95_ms": round(httpbench.percentile(every, 95), 1) if every else None,
            "errors": sum(self.errors.values()),
            "late": self.late,
        }
        return out


class School:
    def __init__(self, data):
        self.client = httpbench.Client(PORT, data["session"])
        self.plan = data["plan"]
        goals = data["sections"]["goals"]
        self.goals, self.revision = dict(goals["data"]), goals["revision"]
        self.lines = data["lines"]
        self.busy = threading.Lock()
        self.n = 0

    def autosave(self, rec):
        self.n += 1
        url = f"/plans/{self.plan}/sections/goals/"
        fields = {**self.goals, "goals": f"{self.goals.get('goals', '')}（第{self.n}次修訂）"}
        result = self.client.post_form(url, {**fields, "revision": self.revision})
        seconds, status, _headers, _size = result
        ok = status == 200
        if ok and self.client.last_body:
            match = REVISION.search(self.client.last_body)
            ok = match is not None
            if match:
                self.revision = int(match.group(1))
        rec.add("school: autosave a section", seconds, status, ok)

    def budget(self, rec):
        if not self.lines:
            return
        line = self.lines[self.n % len(self.lines)]
        prefix = f"line{line['pk']}-"
        fields = {
            prefix + k: line[k]
            for k in (
                "sub_plan",
                "academic_year",
                "expense_type",
                "name",
                "unit",
                "quantity",
                "unit_price",
                "subsidy",
                "fiscal_half",
            )
        }
        fields[prefix + "purpose"] = f"修訂 {self.n}"
        fields[prefix + "revision"] = line["revision"]
        url = f"/plans/{self.plan}/budget/lines/{line['pk']}/"
        seconds, status, _headers, _size = self.client.post_form(url, fields)
        ok = status == 200
        if ok:
            line["revision"] += 1
        rec.add("school: change a budget line", seconds, status, ok)


class Reviewer:
    def __init__(self, data):
        self.client = httpbench.Client(PORT, data["session"])
        self.assignments = data["assignments"]
        self.criteria = data["criteria"]
        self.busy = threading.Lock()
        self.n = 0

    def score(self, rec):
        self.n += 1
        pk = self.assignments[self.n % len(self.assignments)]
        url = f"/review/assignments/{pk}/"
        seconds, status, _h, _s = self.client.request("GET", url)
        rec.add("reviewer: open an application", seconds, status, status == 200)
        fields = {f"points_{c}": str(int(float(m) * 0.8)) for c, m in self.criteria}
        fields.update(recommendation="recommend", comment="計畫完整。", action="save")
        seconds, status, _h, _s = self.client.post_form(url, fields, htmx=False)
        rec.add("reviewer: save a draft", seconds, status, status == 302)


class Ministry:
    def __init__(self, session, urls):
        self.client = httpbench.Client(PORT, session)
        self.urls = urls
        self.busy = threading.Lock()
        self.n = 0

    def browse(self, rec):
        self.n += 1
        name, url = self.urls[self.n % len(self.urls)]
        seconds, status, _h, _s = self.client.request("GET", url)
        rec.add(f"ministry: {name}", seconds, status, status == 200)


def scenario(prepared, rec) -> None:
    load = prepared["load"]
    rng = random.Random(12)
    boards = {"ministry home", "plan list", "round progress", "round ranking"}
    urls = [(p["name"], p["url"]) for p in prepared["pages"] if p["name"] in boards and p["url"]]
    actors = []
    for data in load["schools"]:
        school = School(data)
        actors.append((school, school.autosave, 20))
        actors.append((school, school.budget, 60))
    for data in load["reviewers"]:
        if data["assignments"]:
            reviewer = Reviewer(data)
            actors.append((reviewer, reviewer.score, 30))
    for _i in range(MINISTRY):
        ministry = Ministry(prepared["sessions"]["ministry"], urls)
        actors.append((ministry, ministry.browse, 5))
    start = time.perf_counter()
    queue = [(start + rng.uniform(0, interval), i) for i, (_a, _f, interval) in enumerate(actors)]
    heapq.heapify(queue)
    end = start + SECONDS

    def act(actor, action):
        if not actor.busy.acquire(blocking=False):
            with rec.lock:
                rec.late += 1
            return
        try:
            action(rec)
        except Exception:
            rec.add("connection errors", 0, 0, False)
        finally:
            actor.busy.release()

    with ThreadPoolExecutor(THREADS) as pool:
        while queue:
            due, i = heapq.heappop(queue)
            if due > end:
                break
            time.sleep(max(0.0, due - time.perf_counter()))
            actor, action, interval = actors[i]
            pool.submit(act, actor, action)
            heapq.heappush(queue, (due + interval, i))


def main() -> None:
    out = bench.CONFIG["out"]
    out.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-load-"))
    started = dt.datetime.now(dt.UTC)
    name = ensure_database(key, tmp)
    env = bench.django_env(name, key, tmp, debug=False, bench=True)
    bench.collectstatic(env)
    cmd = [bench.PYTHON, str(HERE / "prepare.py"), "--load-schools", str(SCHOOLS)]
    cmd += ["--load-reviewers", str(REVIEWERS)]
    prepared = json.loads(bench.run(cmd, env, capture_output=True, text=True).stdout)
    rec = Recorder()
    with bench.Server(name, key, tmp, PORT):
        bench.log(
            f"{name}: {len(prepared['load']['schools'])} schools, "
            f"{len(prepared['load']['reviewers'])} reviewers, {MINISTRY} ministry staff for "
            f"{SECONDS} s"
        )
        scenario(prepared, rec)
    summary = rec.summary()
    met = summary["all"]["p95_ms"] is not None and summary["all"]["p95_ms"] < LOAD_P95_MS
    met = met and summary["all"]["errors"] == 0
    result = {
        "started": started.isoformat(timespec="seconds"),
        "base": BASE,
        "factor": FACTOR,
        "seconds": SECONDS,
        "machine": bench.machine(),
        "users": {
            "schools": len(prepared["load"]["schools"]),
            "reviewers": len(prepared["load"]["reviewers"]),
            "ministry": MINISTRY,
        },
        "results": summary,
        "goal": {"p95_ms_under": LOAD_P95_MS, "errors": 0, "met": met},
    }
    (out / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    lines = [
        f"# Deadline-day load: {FACTOR}× {BASE} schools for {SECONDS} s",
        "",
        f"{result['users']['schools']} schools autosaving every 20 s and changing a budget line "
        f"every 60 s, {result['users']['reviewers']} reviewers saving a draft every 30 s, "
        f"{MINISTRY} ministry staff opening a board every 5 s; load average "
        f"{result['machine']['load_average']}.",
        "",
        "| request | n | median | p95 | errors | statuses |",
        "|---|---|---|---|---|---|",
    ]
    for kind, row in summary.items():
        if kind == "all":
            continue
        lines.append(
            f"| {kind} | {row['n']} | {row['median_ms']} ms | {row['p95_ms']} ms "
            f"| {row['errors']} | {row['statuses']} |"
        )
    a = summary["all"]
    lines += [
        f"| **all** | {a['n']} | {a['median_ms']} ms | {a['p95_ms']} ms | {a['errors']} "
        f"| {a['late']} sends skipped (the user's previous request was still running) |",
        "",
        f"Goal: 95th percentile under {LOAD_P95_MS} ms and no errors — "
        f"{'met' if met else '**not met**'}.",
    ]
    (out / "load.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
