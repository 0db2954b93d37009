"""The API page documents everything the API has: a route, parameter, field, error or setting missing fails."""

from pathlib import Path

import pytest

from search_api import ENVIRONMENT
from search_api.errors import ERROR_CODES
from search_api.openapi import openapi_document

API_PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture(scope="module")
def page() -> str:
    return API_PAGE.read_text(encoding="utf-8")


def documented_names():
    spec = openapi_document()
    yield from spec["paths"]
    yield from (p["name"] for p in spec["paths"]["/search"]["get"]["parameters"])
    for schema in ("SearchResponse", "Result", "Health"):
        yield from spec["components"]["schemas"][schema]["properties"]
    yield from ERROR_CODES
    for setting, variable in ENVIRONMENT.items():
        yield setting
        yield variable


@pytest.mark.parametrize("name", sorted(set(documented_names())))
def test_api_page_mentions(page, name):
    assert f"`{name}`" in page, f"docs/api.md does not document `{name}`"


def test_error_table_gives_each_code_its_status(page):
    for code, status in ERROR_CODES.items():
        assert any(line.startswith(f"| {status}") and f"`{code}`" in line for line in page.splitlines()), code
