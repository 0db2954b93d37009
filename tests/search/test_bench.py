"""The benchmark script runs end to end on a tiny generated knowledge base and writes its results."""

import importlib.util
import json
from pathlib import Path

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
    case = json.loads(out.read_text())["cases"]["30 questions"]
    assert case["questions"] == 30 and case["records"] > 30
    for key in ("ours", "bare_whoosh", "fts5"):
        assert case[key]["samples"] == len(bench.QUERIES) and case[key]["p50_ms"] > 0
    assert case["http"]["8_clients"]["samples"] == 8 and case["http"]["1_clients"]["requests_per_s"] > 0
    table = out.with_suffix(".md").read_text()
    assert "| 30 questions |" in table
