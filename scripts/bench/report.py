"""The benchmark's table: each page's time as a multiple of the floor, its growth from the
small scale to the large one, and the goals of the issue marked met or not met.

``python scripts/bench/report.py var/bench/results.json`` prints the Markdown again.
"""

from __future__ import annotations

import json
import sys

#: The goals (issue 12), as numbers.
FLOOR_RATIO = 2.5  # every key page at the small scale, per request, against the floor
GROWTH = 1.5  # no page at the large scale slower than this times its own time at the small one
PDF_RATIO = 1.2  # a PDF end to end against the bare render of the same HTML
SUMMARY_SECONDS = 15  # the round summary at the large scale
SUMMARY_MB = 400
LOAD_P95_MS = 300  # the deadline-day load (bench-load)

MET, NOT_MET, NA = "met", "**not met**", "–"


def _scales(results) -> tuple[str, str]:
    names = list(results["scales"])
    return names[0], names[-1]


def _pages(scale: dict) -> dict[str, dict]:
    return {p["name"]: p for p in scale.get("pages", [])}


def _median(row) -> float | None:
    return (row or {}).get("seq", {}).get("median_ms")


def _floor_for(row, floor) -> float | None:
    """The floor measured just before the page when there is one, else the run's floor."""
    return ((row or {}).get("floor_seq") or {}).get("median_ms") or floor


def _ok(row) -> bool:
    seq = (row or {}).get("seq") or {}
    return bool(seq) and set(seq.get("statuses", {})) == {"200"}


def goals(results) -> list[dict]:
    """Each goal for each page: value, limit and met / not met."""
    small, large = _scales(results)
    s, big = results["scales"][small], results["scales"][large]
    floor = _median(s.get("floor"))
    out = []
    big_pages = _pages(big)
    for name, row in _pages(s).items():
        if row.get("missing"):
            continue
        other = big_pages.get(name)
        if row["kind"] == "page" and _floor_for(row, floor):
            ratio = _median(row) / _floor_for(row, floor)
            out.append(
                {
                    "short": "floor",
                    "goal": f"within {FLOOR_RATIO}× the floor at {small} schools",
                    "page": name,
                    "value": round(ratio, 2),
                    "met": _ok(row) and ratio <= FLOOR_RATIO,
                }
            )
        if small != large and other and not other.get("missing"):
            growth = _median(other) / _median(row)
            out.append(
                {
                    "short": "growth",
                    "goal": f"at {large} schools within {GROWTH}× its time at {small}",
                    "page": name,
                    "value": round(growth, 2),
                    "met": _ok(other) and growth <= GROWTH,
                }
            )
            q_small, q_large = row["seq"].get("queries"), other["seq"].get("queries")
            out.append(
                {
                    "short": "queries",
                    "goal": "the same number of queries at both scales",
                    "page": name,
                    "value": f"{q_small} → {q_large}",
                    "met": q_small == q_large,
                }
            )
    for scale_name, scale in results["scales"].items():
        for pdf in scale.get("pdfs", []):
            if "pipeline_s" not in pdf:
                continue
            ratio = pdf["pipeline_s"] / pdf["bare_s"]
            out.append(
                {
                    "short": "pdf",
                    "goal": f"end to end within {PDF_RATIO}× the bare render ({scale_name})",
                    "page": pdf["name"],
                    "value": round(ratio, 2),
                    "met": ratio <= PDF_RATIO,
                }
            )
            if pdf["kind"] == "review_round_summary" and scale_name == large:
                out.append(
                    {
                        "short": "summary",
                        "goal": f"under {SUMMARY_SECONDS} s and {SUMMARY_MB} MB at {large}",
                        "page": pdf["name"],
                        "value": f"{pdf['pipeline_s']:.1f} s, {pdf['peak_mb']:.0f} MB",
                        "met": pdf["pipeline_s"] < SUMMARY_SECONDS and pdf["peak_mb"] < SUMMARY_MB,
                    }
                )
    return out


def _fmt(value, suffix="") -> str:
    if value is None:
        return NA
    if isinstance(value, float):
        return f"{value:,.1f}{suffix}" if value < 100 else f"{value:,.0f}{suffix}"
    return f"{value}{suffix}"


def _ratio(a, b) -> str:
    return f"{a / b:.2f}×" if a and b else NA


def _mark(met) -> str:
    return MET if met else NOT_MET


def markdown(results) -> str:
    small, large = _scales(results)
    s, big = results["scales"][small], results["scales"][large]
    floor_s, floor_b = _median(s.get("floor")), _median(big.get("floor"))
    redis_at = results["config"].get("redis")
    redis = f"Redis at {redis_at} (cache, sessions)" if redis_at else "no Redis"
    lines = [
        f"# Benchmark: {small} and {large} schools"
        if small != large
        else f"# Benchmark: {small} schools (one scale: the growth goals need two; its columns "
        "are repeated)",
        "",
        f"Run {results['started']} → {results.get('finished', '?')}; machine "
        f"{results['machine_before']['cpus']} CPUs, load average "
        f"{results['machine_before']['load_average']} before, "
        f"{results.get('machine_after', {}).get('load_average')} after. gunicorn "
        f"{results['config']['workers']} workers × {results['config'].get('threads', 1)} threads, "
        f"PostgreSQL, {redis}, "
        "DJANGO_DEBUG=false. "
        f"Times are client-side, per request (median and 95th percentile of "
        f"{results['config']['requests']} requests one at a time; the 16-connection column "
        f"is the 95th percentile of up to {results['config']['concurrent_requests']} "
        f"requests over {results['config']['connections']} connections).",
        "",
        "× floor divides the page's median by the floor's median measured just before it "
        "(the load of a shared machine drifts within minutes).",
        "",
        f"Floor (a bare Django page rendering a 100-row table): {_fmt(floor_s)} ms at "
        f"{small}, {_fmt(floor_b)} ms at {large} (measured again at the end: "
        f"{_fmt(_median(s.get('floor_end')))} / {_fmt(_median(big.get('floor_end')))} ms). "
        f"The same table in the portal's layout, signed in: "
        f"{_fmt(_median(s.get('floor_layout')))} / {_fmt(_median(big.get('floor_layout')))} ms.",
        "",
        f"| page | queries {small} → {large} | median {small} | × floor | p95 {small} "
        f"| 16 conn p95 {small} | median {large} | × floor | 16 conn p95 {large} "
        f"| {large}/{small} | goals |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    big_pages = _pages(big)
    marks = {}
    for g in results.get("goals") or goals(results):
        marks.setdefault(g["page"], []).append(g)
    missing = []
    for name, row in _pages(s).items():
        if row.get("missing"):
            missing.append(f"{name} ({row['missing']})")
            continue
        other = big_pages.get(name) or {}
        m_s, m_b = _median(row), _median(other)
        page_goals = [f"{g['short']} {_mark(g['met'])}" for g in marks.get(name, [])]
        status = "" if _ok(row) else f" (statuses {row['seq']['statuses']})"
        lines.append(
            f"| {name}{' (export)' if row['kind'] == 'export' else ''}{status} "
            f"| {row['seq'].get('queries')} → {(other.get('seq') or {}).get('queries')} "
            f"| {_fmt(m_s, ' ms')} "
            f"| {_ratio(m_s, _floor_for(row, floor_s)) if row['kind'] == 'page' else NA} "
            f"| {_fmt(row['seq'].get('p95_ms'), ' ms')} "
            f"| {_fmt((row.get('conc') or {}).get('p95_ms'), ' ms')} "
            f"| {_fmt(m_b, ' ms')} "
            f"| {_ratio(m_b, _floor_for(other, floor_b)) if row['kind'] == 'page' else NA} "
            f"| {_fmt((other.get('conc') or {}).get('p95_ms'), ' ms')} "
            f"| {_ratio(m_b, m_s) if small != large else NA} | {', '.join(page_goals)} |"
        )
    if missing:
        lines += ["", "Not measured (not in the portal yet): " + "; ".join(missing) + "."]
    pdf_rows = [
        (name, pdf) for name, scale in results["scales"].items() for pdf in scale.get("pdfs", [])
    ]
    if pdf_rows:
        lines += [
            "",
            "| document | schools | end to end | bare WeasyPrint | ratio | PDF size | peak memory "
            "| goal |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, pdf in pdf_rows:
            if "pipeline_s" not in pdf:
                lines.append(
                    f"| {pdf['name']} | {name} | {pdf.get('error') or pdf.get('missing')} "
                    "| | | | | |"
                )
                continue
            ratio = pdf["pipeline_s"] / pdf["bare_s"]
            lines.append(
                f"| {pdf['name']} | {name} | {pdf['pipeline_s']:.2f} s | {pdf['bare_s']:.2f} s "
                f"| {ratio:.2f}× | {pdf['bytes'] / 1024:,.0f} KB | {pdf['peak_mb']:.0f} MB "
                f"| {_mark(ratio <= PDF_RATIO)} |"
            )
    all_goals = results.get("goals") or goals(results)
    met = sum(1 for g in all_goals if g["met"])
    lines += [
        "",
        f"Goals: {met} of {len(all_goals)} met. Not met:",
        "",
    ]
    lines += [f"- {g['page']}: {g['goal']} — {g['value']}" for g in all_goals if not g["met"]] or [
        "- none"
    ]
    seeds = [
        f"{name}: {scale['seed_seconds']:.0f} s"
        for name, scale in results["scales"].items()
        if scale.get("seed_seconds")
    ]
    if seeds:
        lines += ["", "Seeding (seed_scale) took " + ", ".join(seeds) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    with open(sys.argv[1] if len(sys.argv) > 1 else "var/bench/results.json") as f:
        data = json.load(f)
    print(markdown(data))
