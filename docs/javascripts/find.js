// The search page (/find/): asks the same-origin search API as the user types.
//
// The page loads this file itself (docs/find.md), so no other page pays for it. It
// mounts on the [data-find] element, again after each instant navigation, and
// unmounts when another page is swapped in. It uses only the API's documented contract
// (docs/api.md: GET /search -> total, suggestion, results[type, collection, question,
// part, title, page_title, url, snippet, concepts]). After each answer is on screen
// the root element fires "find:rendered" (for tests and scripts/bench_find.py).
//
// The query lives in the URL as ?query=... (with &type= and &concept=), not ?q=:
// Material's built-in search opens its own search box for ?q= on any page (reading
// the URL before this file runs) and strips it when closed. A ?q= link to this
// page still works: it is rewritten to ?query= and Material's box is closed again.
//
// Nothing is requested until there is a query, so on a plain static host the page
// costs no request at all. There, /search is a directory of the built site (Material's
// search/search_index.json), which every static server answers with a redirect to
// /search/; the request does not follow redirects (the API never redirects), so the
// browser stops there (reporting the unsent hop as aborted): no 403/404, no console
// error, and the page offers Material's built-in search instead. So does any other
// non-JSON answer.
(function () {
  "use strict";

  // Material runs the scripts of a page that instant navigation swaps in again, so
  // this file may run several times in one document; the first run sets up for all.
  if (window.__findPage) return;
  window.__findPage = true;

  var DEBOUNCE_MS = 120;
  var PAGE_SIZE = 10;
  var SETTLE_MS = 1000; // a query on screen this long gets its own history entry
  // An API that accepts the connection and never answers must not leave the page blank:
  // after TIMEOUT_MS the request is aborted and the page offers the built-in search, as
  // for an API that is not there. An answer slower than SEARCHING_MS shows "Searching…"
  // (not sooner, so that fast answers do not make the status line flicker).
  var TIMEOUT_MS = 8000;
  var SEARCHING_MS = 300;
  var TYPES = ["question", "part", "concept"];
  var PARAM = "query";
  var current = null;

  function onDocument() {
    if (current) {
      current.unmount();
      current = null;
    }
    var root = document.querySelector("[data-find]");
    if (root) current = mount(root);
  }

  // On a first load this runs before Material's bundle, so document$ is looked up later.
  function start() {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(onDocument); // every page instant navigation swaps in
    } else {
      onDocument();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  // ---- the URL holds the state: ?query=...&type=...&concept=...

  function readState(maxLength) {
    var params = new URLSearchParams(location.search);
    var type = params.get("type") || "";
    var q = params.has(PARAM) ? params.get(PARAM) : params.get("q");
    return {
      q: (q || "").slice(0, maxLength),
      type: TYPES.indexOf(type) >= 0 ? type : "",
      concept: params.get("concept") || ""
    };
  }

  function stateQuery(state) {
    var params = new URLSearchParams();
    if (state.q) params.set(PARAM, state.q);
    if (state.type) params.set("type", state.type);
    if (state.concept) params.set("concept", state.concept);
    var query = params.toString();
    return query ? "?" + query : "";
  }

  function canonicalUrl() {
    var params = new URLSearchParams(location.search);
    if (!params.has("q")) return;
    var query = stateQuery(readState(Infinity));
    history.replaceState(history.state, "", location.pathname + query + location.hash);
    var toggle = document.querySelector('[data-md-toggle="search"]');
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function sameFilters(a, b) {
    return a.type === b.type && a.concept === b.concept;
  }

  // ---- the page

  function mount(root) {
    var $ = function (selector) { return root.querySelector(selector); };
    var form = $("form");
    var input = $("#find-q");
    var conceptSelect = $("#find-concept");
    var filters = $("[data-find-filters]");
    var status = $("#find-status");
    var fallback = $("[data-find-fallback]");
    var resultsBox = $("#find-results");
    var api = root.getAttribute("data-find-api") || "/search";
    var maxLength = Number(input.getAttribute("maxlength")) || 200;
    var pathname = location.pathname;

    canonicalUrl();
    var mounted = true;
    var state = readState(maxLength);
    var seq = 0; // number of the latest request: only its answer is shown
    var timer = null;
    var searching = null; // timer that shows "Searching…" while an answer is awaited
    var lastCommit = { state: state, at: Date.now() };
    var offline = false;
    var shown = null; // {state, total, suggestion, results, page}
    var facets = new Map(); // concept slug -> count in this query's results
    var titles = new Map(); // page URL or concept slug -> title seen in a result

    syncControls(state);
    if (state.q.trim()) run(state, 1, null);

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(withQuery(input.value), 1, "typing"); }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (offline) return openBuiltin(input.value);
      run(withQuery(input.value), 1, "commit");
    });
    filters.addEventListener("change", function () {
      run(readControls(), 1, "commit");
    });
    root.addEventListener("keydown", onKey);
    root.addEventListener("click", onClick);
    window.addEventListener("popstate", onPop);

    function withQuery(q) {
      return { q: q.slice(0, maxLength), type: state.type, concept: state.concept };
    }

    function readControls() {
      var checked = root.querySelector('input[name="type"]:checked');
      return { q: input.value.slice(0, maxLength), type: checked ? checked.value : "", concept: conceptSelect.value };
    }

    function syncControls(s) {
      if (input.value !== s.q) input.value = s.q;
      root.querySelectorAll('input[name="type"]').forEach(function (radio) {
        radio.checked = radio.value === s.type;
      });
      fillConcepts(s.concept);
    }

    // Typing and backspacing within a second replace the history entry; anything
    // else (a new query, a filter, a suggestion, Enter) pushes one, so Back works.
    function record(next, how) {
      var query = stateQuery(next);
      if (query === location.search) return;
      var prev = lastCommit.state;
      var now = Date.now();
      var typing = how === "typing" && prev.q && now - lastCommit.at < SETTLE_MS && sameFilters(prev, next) &&
        (next.q.indexOf(prev.q) === 0 || prev.q.indexOf(next.q) === 0);
      if (typing) history.replaceState(history.state, "", pathname + query);
      else history.pushState(null, "", pathname + query);
      lastCommit = { state: next, at: now };
    }

    function onPop() {
      if (!mounted || location.pathname !== pathname) return; // instant navigation handles other pages
      var next = readState(maxLength);
      lastCommit = { state: next, at: 0 };
      syncControls(next);
      run(next, 1, null);
    }

    function run(next, page, how) {
      clearTimeout(timer);
      if (next.q !== state.q) facets = new Map();
      if (how) record(next, how);
      state = next;
      if (offline) return;
      if (!next.q.trim()) {
        seq++;
        root.removeAttribute("aria-busy");
        shown = null;
        clearResults();
        setStatus("");
        return;
      }
      var mine = ++seq;
      root.setAttribute("aria-busy", "true");
      clearTimeout(searching);
      searching = setTimeout(function () {
        if (mounted && mine === seq) setStatus("Searching…");
      }, SEARCHING_MS);
      ask(next, page).then(function (answer) {
        if (!mounted || mine !== seq) return; // a newer query was asked meanwhile
        clearTimeout(searching);
        root.removeAttribute("aria-busy");
        if (answer.kind === "results") show(next, page, answer.data);
        else if (answer.kind === "error") showError(answer.message);
        else goOffline(answer.message);
        var detail = { kind: answer.kind, query: next.q, page: page, total: shown ? shown.total : 0 };
        root.dispatchEvent(new CustomEvent("find:rendered", { detail: detail }));
      });
    }

    function ask(s, page) {
      var params = new URLSearchParams({ q: s.q.trim(), limit: String(PAGE_SIZE) });
      if (page > 1) params.set("page", String(page));
      if (s.type) params.set("type", s.type);
      if (s.concept) params.set("concept", s.concept);
      var init = { headers: { Accept: "application/json" }, credentials: "same-origin", redirect: "manual" };
      var controller = new AbortController();
      var timedOut = false;
      var deadline = setTimeout(function () {
        timedOut = true;
        controller.abort(); // also stops reading a body that trickles in
      }, TIMEOUT_MS);
      init.signal = controller.signal;
      var late = { kind: "offline", message: "the search service did not answer within " + TIMEOUT_MS / 1000 + " seconds." };
      return fetch(api + "?" + params.toString(), init)
        .then(function (response) {
          // A redirect (static host: /search -> /search/) or HTML: no API here.
          if (response.type === "opaqueredirect") return { kind: "offline" };
          if (!/json/i.test(response.headers.get("Content-Type") || "")) return { kind: "offline" };
          return response.json().then(function (data) {
            if (response.ok && data && Array.isArray(data.results)) return { kind: "results", data: data };
            var error = data && data.error;
            if (error && response.status === 503) return { kind: "offline", message: error.message };
            if (error && error.message) return { kind: "error", message: error.message };
            return { kind: "offline" };
          });
        })
        .catch(function () { return timedOut ? late : { kind: "offline" }; })
        .then(function (answer) {
          clearTimeout(deadline);
          return answer;
        });
    }

    // ---- what the page shows

    function show(s, page, data) {
      var results = data.results.filter(function (r) { return r && typeof r.url === "string"; });
      if (page === 1 || !shown) shown = { state: s, total: 0, suggestion: null, results: [], page: 0 };
      shown.total = Number(data.total) || 0;
      shown.suggestion = data.suggestion || null;
      shown.results = shown.results.concat(results);
      shown.page = page;
      results.forEach(learn);
      fillConcepts(s.concept);

      var focusIndex = page > 1 ? root.querySelectorAll("[data-find-hit]").length : -1;
      clearResults();
      resultsBox.appendChild(renderResults(shown));
      typeset(resultsBox);
      setStatus(statusText(shown));
      if (focusIndex >= 0) {
        var hits = root.querySelectorAll("[data-find-hit]");
        if (hits[focusIndex]) hits[focusIndex].focus();
      }
    }

    function learn(result) {
      if (result.type !== "concept" && result.page_title) titles.set(pageUrl(result.url), result.page_title);
      if (result.type === "question" && result.title) titles.set(pageUrl(result.url), result.title);
      if (result.type === "concept" && result.title) titles.set(lastSegment(result.url), result.title);
      (result.concepts || []).forEach(function (slug) {
        facets.set(slug, (facets.get(slug) || 0) + 1);
      });
    }

    function fillConcepts(selected) {
      var slugs = Array.from(facets.keys()).sort(function (a, b) {
        return facets.get(b) - facets.get(a) || conceptName(a).localeCompare(conceptName(b));
      });
      if (selected && slugs.indexOf(selected) < 0) slugs.unshift(selected);
      while (conceptSelect.options.length > 1) conceptSelect.remove(1);
      slugs.forEach(function (slug) {
        conceptSelect.add(new Option(conceptName(slug), slug, false, slug === selected));
      });
      conceptSelect.value = selected || "";
    }

    function conceptName(slug) {
      return titles.get(slug) || humanize(slug);
    }

    function statusText(view) {
      var q = "“" + view.state.q.trim() + "”";
      var scope = view.state.type ? " (" + view.state.type + "s only)" : "";
      if (view.state.concept) scope += " about " + conceptName(view.state.concept);
      if (!view.total) {
        return "No results for " + q + scope + "." + (view.suggestion ? " Did you mean “" + view.suggestion + "”?" : "");
      }
      var text = view.total + (view.total === 1 ? " result" : " results") + " for " + q + scope;
      if (view.results.length < view.total) text += ", showing " + view.results.length;
      return text + ".";
    }

    function renderResults(view) {
      var out = document.createDocumentFragment();
      if (view.suggestion) {
        var p = el("p", "find__suggest", "Did you mean ");
        var link = el("a", null, view.suggestion);
        link.href = pathname + stateQuery({ q: view.suggestion, type: view.state.type, concept: view.state.concept });
        link.setAttribute("data-find-suggestion", view.suggestion);
        p.appendChild(link);
        p.appendChild(document.createTextNode("?"));
        out.appendChild(p);
      }
      var groups = groupByQuestion(view.results);
      var concepts = view.results.filter(function (r) { return r.type === "concept"; });
      var layout = el("div", "find__layout");
      if (groups.length) {
        var answers = el("section", "find__answers");
        answers.setAttribute("aria-labelledby", "find-answers-title");
        var heading = el("h2", "find__heading", "Answers");
        heading.id = "find-answers-title";
        answers.appendChild(heading);
        groups.forEach(function (group) { answers.appendChild(renderGroup(group)); });
        layout.appendChild(answers);
      }
      if (concepts.length) layout.appendChild(renderConcepts(concepts));
      out.appendChild(layout);
      if (view.results.length < view.total) {
        var more = el("button", "md-button find__more", "More results");
        more.type = "button";
        more.setAttribute("data-find-more", "");
        out.appendChild(more);
      }
      return out;
    }

    function groupByQuestion(results) {
      var groups = [];
      var byPage = new Map();
      results.forEach(function (result) {
        if (result.type !== "question" && result.type !== "part") return;
        var key = pageUrl(result.url);
        var group = byPage.get(key);
        if (!group) {
          group = { url: key, collection: result.collection, question: result.question, main: null, parts: [] };
          byPage.set(key, group);
          groups.push(group);
        }
        if (result.type === "question") group.main = result;
        else group.parts.push(result);
      });
      return groups;
    }

    function renderGroup(group) {
      var article = el("article", "find__group");
      var header = el("h3", "find__title");
      var link = el("a");
      link.href = group.main ? group.main.url : group.url;
      link.setAttribute("data-find-hit", group.main ? "question" : "page");
      var label = el("span", "find__qnum", group.question || "");
      link.appendChild(label);
      link.appendChild(document.createTextNode(" "));
      var title = group.main ? group.main.title : titles.get(group.url);
      rich(link, title || "Question " + String(group.question || "").replace(/^Q/, ""), false);
      header.appendChild(link);
      article.appendChild(header);
      if (group.collection) article.appendChild(el("p", "find__meta", humanize(group.collection)));
      if (group.main && group.main.snippet) article.appendChild(snippet(group.main.snippet));
      if (group.parts.length) {
        var list = el("ul", "find__parts");
        group.parts.forEach(function (part) {
          var item = el("li", "find__part");
          var a = el("a");
          a.href = part.url;
          a.setAttribute("data-find-hit", "part");
          if (part.part) a.appendChild(el("span", "find__plabel", "(" + part.part + ")"));
          a.appendChild(document.createTextNode(" "));
          rich(a, part.title || "", false);
          item.appendChild(a);
          if (part.snippet) item.appendChild(snippet(part.snippet));
          list.appendChild(item);
        });
        article.appendChild(list);
      }
      return article;
    }

    function renderConcepts(concepts) {
      var section = el("section", "find__concepts");
      section.setAttribute("aria-labelledby", "find-concepts-title");
      var heading = el("h2", "find__heading", "Concepts");
      heading.id = "find-concepts-title";
      section.appendChild(heading);
      var list = el("ul", "find__concept-list");
      concepts.forEach(function (concept) {
        var item = el("li", "find__concept-item");
        var a = el("a");
        a.href = concept.url;
        a.setAttribute("data-find-hit", "concept");
        rich(a, concept.title || humanize(lastSegment(concept.url)), false);
        item.appendChild(a);
        if (concept.snippet) item.appendChild(snippet(concept.snippet));
        list.appendChild(item);
      });
      section.appendChild(list);
      return section;
    }

    function snippet(html) {
      var p = el("p", "find__snippet");
      rich(p, html, true);
      return p;
    }

    function clearResults() {
      var mathjax = window.MathJax;
      if (mathjax && typeof mathjax.typesetClear === "function") {
        try { mathjax.typesetClear([resultsBox]); } catch (e) { /* nothing typeset yet */ }
      }
      resultsBox.textContent = "";
    }

    function setStatus(text) {
      if (status.textContent !== text) status.textContent = text;
    }

    function showError(message) {
      shown = null;
      clearResults();
      setStatus(message);
    }

    function goOffline(message) {
      offline = true;
      shown = null;
      clearResults();
      filters.hidden = true;
      root.querySelector("#find-help").hidden = true;
      fallback.hidden = false;
      setStatus(message ? "Search is unavailable: " + message : "");
    }

    // ---- keyboard and clicks

    function onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      var hits = Array.prototype.slice.call(root.querySelectorAll("[data-find-hit]"));
      var at = hits.indexOf(document.activeElement);
      var target = null;
      if (event.key === "ArrowDown") {
        if (event.target === input) target = hits[0];
        else if (at >= 0) target = hits[Math.min(at + 1, hits.length - 1)];
      } else if (event.key === "ArrowUp") {
        if (at === 0) target = input;
        else if (at > 0) target = hits[at - 1];
      } else if (event.key === "Escape" && at >= 0) {
        target = input;
      }
      if (target) {
        event.preventDefault();
        target.focus();
      }
    }

    function onClick(event) {
      var suggestion = event.target.closest("[data-find-suggestion]");
      if (suggestion && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        event.stopPropagation(); // not an instant navigation: the same page with another query
        input.value = suggestion.getAttribute("data-find-suggestion");
        run(withQuery(input.value), 1, "commit");
        input.focus();
        return;
      }
      if (event.target.closest("[data-find-more]") && shown) {
        run(shown.state, shown.page + 1, null);
        return;
      }
      if (event.target.closest("[data-find-builtin]")) openBuiltin(input.value);
    }

    return {
      unmount: function () {
        mounted = false;
        seq++;
        clearTimeout(timer);
        clearTimeout(searching);
        window.removeEventListener("popstate", onPop);
      }
    };
  }

  // ---- Material's built-in search, offered when there is no API

  function openBuiltin(query) {
    var toggle = document.querySelector('[data-md-toggle="search"]');
    var box = document.querySelector('[data-md-component="search-query"]');
    if (!toggle || !box) return;
    if (!toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
    if (query) box.value = query;
    box.focus();
    box.dispatchEvent(new KeyboardEvent("keyup")); // Material reads the query on keyup
  }

  // ---- snippets and titles: text, <mark> and math, never other markup

  // Snippet HTML is parsed in an inert document (no scripts run, nothing loads) and
  // rebuilt from text nodes; only <mark> survives. Returns the text and, per
  // character, whether it is marked.
  function parseSnippet(html) {
    var doc = new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html");
    var text = "";
    var marked = [];
    (function walk(node, inMark) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === Node.TEXT_NODE) {
          text += child.data;
          for (var i = 0; i < child.data.length; i++) marked.push(inMark);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          walk(child, inMark || child.nodeName === "MARK");
        }
      });
    })(doc.body, false);
    return { text: text, marked: marked };
  }

  // Put `source` (snippet HTML when isHtml, else plain text) into parent: complete
  // $...$ math becomes a MathJax span (highlighted whole when any of it matched);
  // math cut off by the snippet's edge is shown as TeX in <code>, never half-typeset.
  function rich(parent, source, isHtml) {
    var parsed = isHtml ? parseSnippet(source) : { text: String(source), marked: [] };
    var text = parsed.text;
    var marked = parsed.marked;
    var anyMarked = function (from, to) {
      for (var i = from; i < to; i++) if (marked[i]) return true;
      return false;
    };
    var runs = function (into, from, to) { // text with <mark> runs, as text nodes
      var i = from;
      while (i < to) {
        var j = i;
        while (j < to && !!marked[j] === !!marked[i]) j++;
        var node = document.createTextNode(text.slice(i, j));
        if (marked[i]) {
          var mark = document.createElement("mark");
          mark.appendChild(node);
          node = mark;
        }
        into.appendChild(node);
        i = j;
      }
    };
    mathSegments(text).forEach(function (seg) {
      if (seg.kind === "text") return runs(parent, seg.from, seg.to);
      var node;
      if (seg.kind === "math") {
        node = el("span", "arithmatex find__math", "\\(" + seg.tex + "\\)");
        node.setAttribute("data-tex", seg.tex);
      } else {
        node = el("code", "find__tex");
        runs(node, seg.from, seg.to);
      }
      if (seg.kind === "math" && anyMarked(seg.from, seg.to)) {
        var mark = document.createElement("mark");
        mark.appendChild(node);
        node = mark;
      }
      parent.appendChild(node);
    });
  }

  // Split text at its $ and $$ delimiters: [{kind: text|math|tex, from, to, tex}].
  // Snippets are cut from longer text (the cut marked by an ellipsis), so a fragment
  // may begin inside a formula (its first $ closes one) or end inside one (its last
  // $ opens one). Formulas in the index never have spaces just inside their
  // delimiters and prose between them does, so the reading (no cut, cut at the
  // start, at the end, or both) under which every pair encloses a formula is taken;
  // a cut formula is shown as TeX. When no reading fits, the text stays plain.
  function mathSegments(text) {
    var out = [];
    var pieces = text.split(/(\s*(?:…|\.\.\.)\s*)/); // fragments joined by an ellipsis
    var offset = 0;
    pieces.forEach(function (piece, index) {
      if (index % 2 === 1) out.push({ kind: "text", from: offset, to: offset + piece.length });
      else fragmentSegments(text, offset, offset + piece.length, index > 0, index < pieces.length - 1, out);
      offset += piece.length;
    });
    return out.filter(function (seg) { return seg.to > seg.from; });
  }

  function fragmentSegments(text, start, end, cutBefore, cutAfter, out) {
    var marks = []; // [position, width] of each unescaped $ or $$
    for (var i = start; i < end; i++) {
      if (text[i] === "\\") {
        i++;
      } else if (text[i] === "$") {
        var width = i + 1 < end && text[i + 1] === "$" ? 2 : 1;
        marks.push([i, width]);
        i += width - 1;
      }
    }
    var readings = marks.length % 2 ? [[1, 0], [0, 1]] : [[0, 0], [1, 1]];
    var best = null;
    readings.forEach(function (cut) {
      if (cut[0] + cut[1] > marks.length || (cut[0] && !cutBefore) || (cut[1] && !cutAfter)) return;
      var inner = marks.slice(cut[0], marks.length - cut[1]);
      var bad = 0;
      for (var k = 0; k < inner.length; k += 2) {
        var body = text.slice(inner[k][0] + inner[k][1], inner[k + 1][0]);
        if (!body || /^\s|\s$/.test(body) || inner[k][1] !== inner[k + 1][1]) bad++;
      }
      if (cut[0] && /^$|\s$/.test(text.slice(start, marks[0][0]))) bad++;
      var last = marks[marks.length - 1];
      if (cut[1] && /^$|^\s/.test(text.slice(last[0] + last[1], end))) bad++;
      var cost = bad * 10 + cut[0] + cut[1];
      if (!best || cost < best.cost) best = { cost: cost, cut: cut, inner: inner };
    });
    if (!best || best.cost >= 10) best = { cut: [0, 0], inner: [] }; // no reading fits: plain text
    var pos = start;
    if (best.cut[0]) {
      out.push({ kind: "tex", from: start, to: marks[0][0] });
      pos = marks[0][0] + marks[0][1];
    }
    var pairs = best.inner;
    for (var k = 0; k + 1 < pairs.length; k += 2) {
      var open = pairs[k];
      var close = pairs[k + 1];
      out.push({ kind: "text", from: pos, to: open[0] });
      var tex = text.slice(open[0] + open[1], close[0]).trim();
      if (tex) out.push({ kind: "math", from: open[0], to: close[0] + close[1], tex: tex });
      pos = close[0] + close[1];
    }
    if (best.cut[1]) {
      var cutAt = marks[marks.length - 1];
      out.push({ kind: "text", from: pos, to: cutAt[0] });
      out.push({ kind: "tex", from: cutAt[0] + cutAt[1], to: end });
    } else {
      out.push({ kind: "text", from: pos, to: end });
    }
  }

  // Typeset the new math once MathJax is ready (after whatever it is doing now);
  // a formula MathJax cannot read is shown as its TeX instead of an error box.
  function typeset(container) {
    var mathjax = window.MathJax;
    if (!container.querySelector(".find__math")) return Promise.resolve();
    if (!mathjax || !mathjax.startup || !mathjax.startup.promise || !mathjax.typesetPromise) {
      return Promise.resolve(); // not loaded yet: its startup typesets the page, results included
    }
    mathjax.startup.promise = mathjax.startup.promise
      .then(function () { return mathjax.typesetPromise([container]); })
      .then(function () {
        container.querySelectorAll(".find__math").forEach(function (span) {
          if (span.querySelector("mjx-merror")) {
            span.className = "find__tex";
            span.textContent = span.getAttribute("data-tex");
          }
        });
      })
      .catch(function () { /* the TeX stays readable as text */ });
    return mathjax.startup.promise;
  }

  // ---- small helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function pageUrl(url) {
    return url.split("#")[0];
  }

  function lastSegment(url) {
    var parts = pageUrl(url).split("/").filter(Boolean);
    return parts.length ? parts[parts.length - 1] : url;
  }

  function humanize(slug) {
    var words = String(slug).replace(/[-_]+/g, " ").trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
})();
