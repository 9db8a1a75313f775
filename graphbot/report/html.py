"""Self-contained HTML for a report: inline CSS, figures embedded as base64 PNG."""

from __future__ import annotations

import html
from typing import Any

from .figures import RenderedFigure

__all__ = ["render_html"]

#: Members listed in the HTML per group; report.json always has all of them.
HTML_MEMBERS = 40

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa;line-height:1.4}
main{max-width:1180px;margin:0 auto;padding:1.5rem}
h1{margin:.2rem 0}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2.2rem}
h3{margin:1.4rem 0 .4rem}
.meta{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
th,td{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left;vertical-align:top}
th{background:#eef3f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0;background:#fff;border:1px solid #e2e2e2;padding:.5rem;max-width:100%}
figure img{max-width:100%;height:auto;display:block}
figcaption{font-size:.8rem;color:#444;max-width:640px}
.card{background:#fff;border:1px solid #e2e2e2;border-left:4px solid #D55E00;padding:.6rem 1rem;
margin:.8rem 0}
.facts{display:flex;flex-wrap:wrap;gap:1.5rem}
.error{color:#D55E00;font-size:.85rem}
.bot{color:#D55E00;font-weight:600}
nav a{margin-right:.8rem}
"""


def _e(value: Any) -> str:
    return html.escape("—" if value is None else str(value))


def _num(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return _e(value)


def _duration(seconds: float) -> str:
    """Seconds as a human duration: 45 s, 12.5 min, 5.4 h, 28.2 days."""
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if abs(seconds) >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def _readable_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Group statistics with durations in seconds (``time_span``, ``*spread``) made readable."""
    out = {}
    for k, v in stats.items():
        is_seconds = k == "time_span" or k.endswith("spread") or k.endswith("_seconds")
        out[k] = _duration(v) if is_seconds and isinstance(v, (int, float)) else v
    return out


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items()) or "defaults"


def _truth_table(truth: Any) -> str:
    if isinstance(truth, list):
        rows = [
            {
                "farm": f["farm"],
                "kind": f["kind"],
                "bots": f["bots"],
                "targets": f["targets"],
                **{k: f["params"].get(k) for k in ("density", "window", "camouflage")},
            }
            for f in truth
        ]
        return "<h2>Ground truth</h2>" + _table(rows)
    return f"<p class='meta'>ground truth: {_e(truth)}</p>"


def _table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    if not rows:
        return "<p class='meta'>none</p>"
    columns = columns or list(rows[0])
    head = "".join(f"<th>{_e(c.replace('_', ' '))}</th>" for c in columns)
    body = ""
    for row in rows:
        cells = ""
        for c in columns:
            v = row.get(c)
            cls = " class='num'" if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            cells += f"<td{cls}>{_num(v)}</td>"
        body += f"<tr>{cells}</tr>"
    return f"<table><tr>{head}</tr>{body}</table>"


def _kv(pairs: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{_e(k.replace('_', ' '))}</th><td class='num'>{_num(v)}</td></tr>"
        for k, v in pairs.items()
        if not isinstance(v, (list, dict))
    )
    return f"<table>{rows}</table>"


def _figures(figs: list[RenderedFigure]) -> str:
    out = []
    for f in figs:
        if f.data is not None:
            body = f"<img alt='{_e(f.caption)}' src='data:image/png;base64,{f.data}'>"
        else:
            body = f"<p class='error'>figure unavailable: {_e(f.error)}</p>"
        out.append(
            f"<figure id='fig-{_e(f.key)}'>{body}<figcaption>{_e(f.caption)}</figcaption></figure>"
        )
    return f"<div class='grid'>{''.join(out)}</div>"


def _group_section(case: dict[str, Any], figs: list[RenderedFigure]) -> str:
    gid = f"{case['detector']}-group{case['rank']}"
    members = case["members"]
    shown = members[:HTML_MEMBERS]
    more = len(members) - len(shown)
    facts = {"score": case["score"], "users": case["n_users"], "targets": case["n_targets"]}
    stats = _readable_stats(case["stats"])
    facts.update({k: v for k, v in stats.items() if k not in ("n_users", "n_targets")})
    parts = [
        f"<h3 id='{_e(gid)}'>{_e(case['detector'])} — group {case['rank']}: "
        f"{case['n_users']} users x {case['n_targets']} targets</h3>",
        "<div class='card facts'>",
        f"<div><b>Group</b>{_kv(facts)}</div>",
    ]
    for name, title in (
        ("owners", "Target owners"),
        ("timing", "Timing and synchrony"),
        ("creation", "Account creation dates"),
        ("target_creation", "Target creation dates"),
        ("truth", "Against the truth"),
    ):
        if name in case:
            parts.append(f"<div><b>{title}</b>{_kv(case[name])}</div>")
    if "owners" in case:
        parts.append(f"<div><b>Top owners</b>{_table(case['owners']['top'])}</div>")
    parts.append("</div>")
    parts.append(_figures(figs))
    parts.append("<div class='facts'><div><b>Shared targets</b>")
    parts.append(_table(case["shared_targets"]))
    parts.append(f"</div><div><b>Members</b> ({len(members)})")
    parts.append(_table(shown))
    if more > 0:
        parts.append(f"<p class='meta'>… and {more} more members, all listed in report.json.</p>")
    parts.append("</div></div>")
    return "\n".join(parts)


def render_html(
    payload: dict[str, Any],
    overview: list[RenderedFigure],
    per_result: dict[str, list[RenderedFigure]],
    per_group: list[list[RenderedFigure]],
) -> str:
    """The report page: summary, overview figures, then one section per detector and group."""
    g = payload["graph"]
    results = payload["results"]
    summary_rows = []
    for r in results:
        row = {
            "detector": r["method"],
            "groups": r["n_groups"],
            "flagged users": r["n_flagged"],
            "seed": r["params"].get("rng"),
        }
        for k in ("precision", "recall", "f1", "roc_auc", "average_precision"):
            if "metrics" in r and k in r["metrics"]:
                row[k] = r["metrics"][k]
        summary_rows.append(row)
    nav = "".join(
        f"<a href='#{_e(c['detector'])}-group{c['rank']}'>{_e(c['detector'])} #{c['rank']}</a>"
        for c in payload["groups"]
    )
    sections = []
    for r in results:
        if not r.get("case_files", True):
            continue
        m = r["method"]
        sections.append(f"<h2 id='{_e(m)}'>{_e(m)}</h2>")
        sections.append(f"<p class='meta'>parameters: {_e(_params(r['params']))}</p>")
        sections.append(_figures(per_result.get(m, [])))
        for case, figs in zip(payload["groups"], per_group, strict=True):
            if case["detector"] == m:
                sections.append(_group_section(case, figs))
    truth_line = _truth_table(payload["truth"]) if payload.get("truth") else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>graphbot report</title><style>{_CSS}</style></head>
<body><main>
<h1>graphbot case file</h1>
<p class="meta">written {_e(payload["created"])} by graphbot {_e(payload["graphbot_version"])}
· graph: {g["n_users"]:,} users x {g["n_targets"]:,} targets, {g["n_events"]:,} events
({_e(", ".join(g["kinds"]))}{
        ", " + _e(g.get("first_event")) + " … " + _e(g.get("last_event"))
        if g.get("has_times")
        else ", no times"
    })</p>
{truth_line}
<h2>Summary</h2>
{_table(summary_rows)}
<nav class="meta">groups: {nav or "none found"}</nav>
{_figures(overview)}
{"".join(sections)}
<p class="meta">Figures are PNG embedded in this file; the same facts, with every member,
are in report.json beside it.</p>
</main></body></html>
"""
