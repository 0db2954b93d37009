"""Recipe: site and API on one host behind nginx under /kb/ (README, "Behind nginx under a sub-path").

Debian's nginx runs deploy/nginx.conf itself on 127.0.0.1 (only the listen address and the upstream port
changed), in front of scripts/serve.py --prefix /kb; the site is built with SITE_URL naming /kb/.
Checked over HTTP and in Chromium: the search page, the header search and their result links.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from urllib.parse import quote, urlsplit

import pytest

from deploykit import NGINX, REPO, Service, build_site, free_port, get, readme_block, serve

CONF = REPO / "deploy" / "nginx.conf"
QUESTION = "questions/deep-learning-exam-answers/q6/"

# nginx's own main configuration around the committed file, with every path it writes in the test's folder.
MAIN = """worker_processes 1;
error_log {work}/error.log warn;
pid {work}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/kb.conf;
}}
"""


def site_conf(listen_port: int, upstream_port: int) -> str:
    """deploy/nginx.conf with the test's ports: each of the two lines is changed exactly once."""
    text = CONF.read_text(encoding="utf-8")
    assert text.count("listen 80;") == 1 and text.count("127.0.0.1:8000;") == 2
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};").replace(
        "127.0.0.1:8000;", f"127.0.0.1:{upstream_port};")


@pytest.fixture(scope="module", params=["KB_SITE_URL set", "no KB_SITE_URL"])
def proxied(request, tmp_path_factory, index):
    if not os.access(NGINX, os.X_OK):
        reason = f"Debian's nginx is not installed at {NGINX} (apt-get install nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; .ci/run installs it, so under CI=true this test must run")
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("nginx")
    front, back = free_port(), free_port()
    root = f"http://127.0.0.1:{front}/kb/"
    build_site(work / "site", site_url=root)
    (work / "kb.conf").write_text(site_conf(front, back), encoding="utf-8")
    (work / "nginx.conf").write_text(MAIN.format(work=work), encoding="utf-8")
    checked = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(work / "nginx.conf")],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    # KB_SITE_URL: hits are absolute under the public address, for the site's pages and any other client alike;
    # without it they are paths that hold the prefix ("/kb/questions/..."), which the pages take whole.
    env = {"KB_SITE_URL": root} if request.param == "KB_SITE_URL set" else {}
    with serve(back, work / "site", index, work / "serve.log", "--prefix", "/kb", ready_path="kb/health",
               extra_env=env):
        with Service([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                     f"{root}health", work / "nginx.log"):
            yield root


def test_the_readme_shows_the_committed_config():
    assert readme_block("nginx", "location /kb/") == CONF.read_text(encoding="utf-8")


def test_pages_redirects_and_hits_keep_the_prefix(proxied):
    status, headers, body = get(proxied)
    assert status == 200 and b"<title>" in body
    for path, target in (("concepts", "/kb/concepts/"), ("concepts?x=1", "/kb/concepts/?x=1")):
        status, headers, _ = get(proxied + path)
        assert status == 301 and urlsplit(headers["Location"]).path + (
            "?" + urlsplit(headers["Location"]).query if urlsplit(headers["Location"]).query else "") == target
    status, headers, _ = get(proxied.rstrip("/"))
    assert status == 301 and urlsplit(headers["Location"]).path == "/kb/"
    status, _, body = get(proxied + "search?q=" + quote("inductive bias"))
    hits = json.loads(body)["results"]
    assert status == 200 and hits
    origin = proxied.split("/kb/")[0]
    for hit in hits:
        url = hit["url"] if hit["url"].startswith("http") else origin + hit["url"]
        assert re.match(rf"{re.escape(proxied)}(questions|concepts)/", url), hit["url"]
        assert get(url.split("#")[0])[0] == 200
    assert get(proxied.split("/kb/")[0] + "/search?q=x")[0] >= 400, "nothing is served outside the prefix"


def test_without_a_site_url_hits_are_paths_under_the_prefix(tmp_path, index):
    """serve.py --prefix /kb with no KB_SITE_URL: hit URLs are paths from the origin, prefix included."""
    port = free_port()
    with serve(port, None, index, tmp_path / "serve.log", "--prefix", "/kb", ready_path="kb/health"):
        status, _, body = get(f"http://127.0.0.1:{port}/kb/search?q=attention")
        urls = [hit["url"] for hit in json.loads(body)["results"]]
        assert status == 200 and urls and all(u.startswith(("/kb/questions/", "/kb/concepts/")) for u in urls)


def _same_page(href: str, root: str) -> str:
    assert href.startswith(root), f"{href} is not under {root}"
    return href


@pytest.mark.browser
def test_search_page_and_its_result_links_work_under_the_prefix(proxied, browse):
    page, watcher = browse(proxied + "find/?query=" + quote("inductve bias"))
    first = page.locator("#find-results a[data-find-hit]").first
    first.wait_for()
    hrefs = page.eval_on_selector_all("#find-results a[data-find-hit]", "els => els.map(a => a.href)")
    assert all(_same_page(h, proxied) for h in hrefs)
    assert any(re.search(r"/kb/questions/deep-learning-exam-answers/q6/(#part-[a-z])?$", h) for h in hrefs)
    first.click()
    page.wait_for_url(hrefs[0])
    page.wait_for_function("() => /^Q6\\. /.test(document.querySelector('.md-content__inner h1').textContent)")
    assert watcher.take() == []


@pytest.mark.browser
def test_header_search_and_its_result_links_work_under_the_prefix(proxied, browse):
    page, watcher = browse(proxied + QUESTION)
    page.keyboard.press("Control+k")
    page.keyboard.type("attention", delay=20)
    # Answers to what was typed so far ("att") may show first: wait for the whole word's (its status names it).
    page.wait_for_function("() => [...document.querySelectorAll('.kb-hsearch .kb-hsearch__status')]"
                           ".some(p => p.textContent.includes('“attention”'))", timeout=10000)
    page.locator(".kb-hsearch a[data-find-hit]").first.wait_for()
    hrefs = page.eval_on_selector_all(".kb-hsearch a[data-find-hit]", "els => els.map(a => a.href)")
    assert all(_same_page(h, proxied) for h in hrefs)
    page.keyboard.press("Enter")
    page.wait_for_url(hrefs[0])
    page.wait_for_function("() => /^Q\\d+\\. /.test(document.querySelector('.md-content__inner h1').textContent)")
    assert watcher.take() == []
