#!/usr/bin/python3
"""Scrapes xvrrpd's GET /metrics and reads it with the Prometheus client's own parser
(python3-prometheus-client, text_string_to_metric_families): the format is checked by a real
parser, not by ours.

  metrics_scrape.py URL [--docs docs/metrics.md] [--dashboard dashboard.json]
  metrics_scrape.py --status URL [METHOD]   prints the HTTP status (and Allow) of a request

Prints one line per sample, "sample NAME{k=v,k=v} VALUE" (labels sorted), after checking that
every family is well formed: a help text, a known type, counters named *_total and never
negative, histograms with cumulative buckets ending in +Inf equal to their _count. With --docs,
the families exposed must be exactly those the document lists; with --dashboard, every metric
the dashboard queries must be exposed. Exits 1 with the reasons otherwise.
"""
import json
import re
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")


def exposed_name(family):
    # The parser drops a counter's _total from the family name; the exposition has it.
    return family.name + "_total" if family.type == "counter" else family.name


def check_family(f, problems):
    if not f.name.startswith("xvrrp_"):
        problems.append(f"{f.name}: not under the xvrrp_ prefix")
    if not f.documentation.strip():
        problems.append(f"{f.name}: no help text")
    if f.type not in ("counter", "gauge", "histogram"):
        problems.append(f"{f.name}: type {f.type}")
    if f.type == "counter":
        for s in f.samples:
            if not s.name.endswith("_total"):
                problems.append(f"{s.name}: a counter sample not named *_total")
            if s.value < 0:
                problems.append(f"{s.name}{s.labels}: negative counter {s.value}")
    if f.type == "histogram":
        series = {}
        for s in f.samples:
            key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
            series.setdefault(key, {"buckets": [], "count": None, "sum": None})
            if s.name.endswith("_bucket"):
                series[key]["buckets"].append((float(s.labels["le"]), s.value))
            elif s.name.endswith("_count"):
                series[key]["count"] = s.value
            elif s.name.endswith("_sum"):
                series[key]["sum"] = s.value
        for key, h in series.items():
            les = [le for le, _ in h["buckets"]]
            counts = [c for _, c in h["buckets"]]
            if not les or les[-1] != float("inf"):
                problems.append(f"{f.name}{key}: no +Inf bucket")
            if les != sorted(les) or counts != sorted(counts):
                problems.append(f"{f.name}{key}: buckets not cumulative: {h['buckets']}")
            if h["count"] is None or (counts and counts[-1] != h["count"]):
                problems.append(f"{f.name}{key}: +Inf bucket {counts[-1:]} != _count {h['count']}")


def documented_names(path):
    # Rows of the document's metric tables: | `xvrrp_name` | type | ...
    with open(path) as f:
        return set(re.findall(r"^\|\s*`(xvrrp_[a-z0-9_]+)`", f.read(), re.M))


def dashboard_names(path):
    with open(path) as f:
        dashboard = json.load(f)  # valid JSON, or this fails
    exprs = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "expr" and isinstance(v, str):
                    exprs.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(dashboard)
    return exprs, set(n for e in exprs for n in re.findall(r"xvrrp_[a-z0-9_]+", e))


def main(argv):
    if len(argv) in (3, 4) and argv[1] == "--status":
        method = argv[3] if len(argv) == 4 else "GET"
        try:
            with urllib.request.urlopen(urllib.request.Request(argv[2], method=method), timeout=10) as r:
                print(r.status)
        except urllib.error.HTTPError as e:
            print(e.code, e.headers.get("Allow", ""))
        return 0
    url, docs, dashboard = argv[1], None, None
    rest = argv[2:]
    while rest:
        if rest[0] == "--docs":
            docs = rest[1]
        elif rest[0] == "--dashboard":
            dashboard = rest[1]
        else:
            raise SystemExit(f"unknown argument {rest[0]}")
        rest = rest[2:]

    status, content_type, text = fetch(url)
    problems = []
    if status != 200:
        problems.append(f"HTTP {status}")
    if not content_type.startswith("text/plain; version=0.0.4"):
        problems.append(f"Content-Type {content_type}")
    families = list(text_string_to_metric_families(text))
    names = set()
    for f in families:
        check_family(f, problems)
        name = exposed_name(f)
        if name in names:
            problems.append(f"{name}: family exposed twice")
        names.add(name)
    if docs:
        listed = documented_names(docs)
        for n in sorted(names - listed):
            problems.append(f"{n}: exposed but not in {docs}")
        for n in sorted(listed - names):
            problems.append(f"{n}: in {docs} but not exposed")
    if dashboard:
        exprs, used = dashboard_names(dashboard)
        if not exprs:
            problems.append(f"{dashboard}: no query")
        suffixes = ("_bucket", "_sum", "_count")
        histograms = {exposed_name(f) for f in families if f.type == "histogram"}
        for n in sorted(used):
            base = next((n[: -len(s)] for s in suffixes if n.endswith(s) and n[: -len(s)] in histograms), n)
            if base not in names:
                problems.append(f"{dashboard}: queries {n}, which xvrrpd does not expose")
    for f in families:
        for s in f.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            print(f"sample {s.name}{{{labels}}} {s.value!r}")
    for n in sorted(names):
        print(f"family {n}")
    if problems:
        print("\n".join("problem: " + p for p in problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
