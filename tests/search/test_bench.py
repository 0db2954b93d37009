"""The benchmark script runs end to end on a tiny generated knowledge base and writes its results."""

import importlib.util
import json
from pathlib import Path

from search_api.engines import ENGINES

REPO = Path(__file__).resolve().parents[2]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_search", REPO / "scripts" / "bench_search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_smoke(tmp_path, monkeypatch):
    bench = load_bench()
    monkeypatch.setattr(bench, "WORK", tmp_path / "work")
    out = tmp_path / "search.json"
    assert bench.main(["--sizes", "30", "--rounds", "1", "--http-requests", "8", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    case = results["cases"]["30 questions"]
    assert case["questions"] == 30 and case["records"] > 30 and set(case["engines"]) == set(ENGINES)
    for engine in case["engines"].values():
        assert engine["ours"]["samples"] == len(bench.QUERIES) and engine["ours"]["p50_ms"] > 0
        assert engine["incremental"]["changed_pages"] == 1 and engine["build"]["seconds"] > 0
        assert engine["http"]["8_clients"]["samples"] == 8 and engine["http"]["1_clients"]["requests_per_s"] > 0
    for key in ("bare_whoosh", "fts5"):
        assert case[key]["samples"] == len(bench.QUERIES) and case[key]["p50_ms"] > 0
    assert results["commands"] and "--sizes 30" in results["commands"][-1]
    table = out.with_suffix(".md").read_text()
    assert "| 30 questions | tantivy |" in table and "| 30 questions | whoosh |" in table
