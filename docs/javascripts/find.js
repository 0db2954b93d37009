// The search page (/find/): asks the search API as the user types.
//
// Loaded on every page (mkdocs.yml) after kb-search.js, which asks the API and renders
// the results (the header search box uses the same). It mounts on the [data-find]
// element, again after each instant navigation, and unmounts when another page is
// swapped in. After each answer's text is on screen the root element fires
// "find:rendered" (for tests and scripts/bench_find.py); its formulas are typeset after.
//
// The query lives in the URL as ?query=... (with &type= and &concept=), not ?q=:
// Material's built-in search opens its own search box for ?q= on any page (reading
// the URL before this file runs) and strips it when closed. A ?q= link to this
// page still works: it is rewritten to ?query= and Material's box is closed again.
//
// Nothing is requested until there is a query, so on a plain static host the page
// costs no request at all. There, the API's answer is missing (kb-search.js: a redirect
// or anything not JSON) and the page offers Material's built-in search instead.
(function () {
  "use strict";

  // Material runs the scripts of a page that instant navigation swaps in again, so
  // this file may run several times in one document; the first run sets up for all.
  if (window.__findPage) return;
  window.__findPage = true;

  // Short: answers take a few milliseconds and stale ones are dropped, so waiting longer
  // would only add to what the reader waits (benchmarks/find.md).
  var DEBOUNCE_MS = 40;
  var PAGE_SIZE = 10;
  var SETTLE_MS = 1000; // a query on screen this long gets its own history entry
  // An API that accepts the connection and never answers must not leave the page blank:
  // after a timeout (kb-search.js) the request is aborted and the page offers the built-in
  // search, as for an API that is not there. An answer slower than SEARCHING_MS shows "Searching…"
  // (not sooner, so that fast answers do not make the status line flicker).
  var SEARCHING_MS = 300;
  var TYPES = ["question", "part", "concept"];
  var PARAM = "query";
  var current = null;
  var kb = null; // window.kbSearch (kb-search.js): the API client and the results' rendering

  function onDocument() {
    kb = window.kbSearch;
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
    var allConcepts = new Map(); // slug -> title, every concept page of the site
    document.querySelectorAll("[data-find-concept-list] [data-slug]").forEach(function (item) {
      allConcepts.set(item.getAttribute("data-slug"), item.textContent.trim());
    });
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
    // Arriving on the search page is arriving to type (not when sent to a result further down).
    if (!location.hash) input.focus({ preventScroll: true });

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
        kb.markScrollBoxes(resultsBox); // formulas from the cache are there already
        kb.typeset(resultsBox); // the text is on screen first; new formulas follow, each typeset once
      });
    }

    function ask(s, page) {
      var params = { q: s.q.trim(), limit: String(PAGE_SIZE) };
      if (page > 1) params.page = String(page);
      if (s.type) params.type = s.type;
      if (s.concept) params.concept = s.concept;
      return kb.ask(params);
    }

    // ---- what the page shows

    function show(s, page, data) {
      var results = kb.cleanResults(data);
      if (page === 1 || !shown) shown = { state: s, total: 0, suggestion: null, unmatched: null, results: [], page: 0 };
      shown.total = Number(data.total) || 0;
      shown.suggestion = data.suggestion || null;
      shown.unmatched = kb.unmatchedNote(data);
      shown.results = shown.results.concat(results);
      shown.page = page;
      results.forEach(learn);
      fillConcepts(s.concept);

      var focusIndex = page > 1 ? root.querySelectorAll("[data-find-hit]").length : -1;
      clearResults();
      resultsBox.appendChild(renderResults(shown));
      setStatus(statusText(shown));
      if (focusIndex >= 0) {
        var hits = root.querySelectorAll("[data-find-hit]");
        if (hits[focusIndex]) hits[focusIndex].focus();
      }
    }

    function learn(result) {
      if (result.type !== "concept" && result.page_title) titles.set(kb.pageUrl(result.href), result.page_title);
      if (result.type === "question" && result.title) titles.set(kb.pageUrl(result.href), result.title);
      if (result.type === "concept" && result.title) titles.set(kb.lastSegment(result.href), result.title);
      (result.concepts || []).forEach(function (slug) {
        facets.set(slug, (facets.get(slug) || 0) + 1);
      });
    }

    // Every concept is listed, before any search too (from the build-time list in the
    // page, overrides/find.html); those in this query's results come first, most common first.
    function fillConcepts(selected) {
      var slugs = Array.from(new Set(Array.from(facets.keys()).concat(Array.from(allConcepts.keys()))));
      slugs.sort(function (a, b) {
        return (facets.get(b) || 0) - (facets.get(a) || 0) || conceptName(a).localeCompare(conceptName(b));
      });
      if (selected && slugs.indexOf(selected) < 0) slugs.unshift(selected);
      while (conceptSelect.options.length > 1) conceptSelect.remove(1);
      slugs.forEach(function (slug) {
        conceptSelect.add(new Option(conceptName(slug), slug, false, slug === selected));
      });
      conceptSelect.value = selected || "";
    }

    function conceptName(slug) {
      return allConcepts.get(slug) || titles.get(slug) || kb.humanize(slug);
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
      if (view.unmatched) out.appendChild(kb.el("p", "find__unmatched", view.unmatched + "."));
      if (view.suggestion) {
        var p = kb.el("p", "find__suggest", "Did you mean ");
        var link = kb.el("a", null, view.suggestion);
        link.href = pathname + stateQuery({ q: view.suggestion, type: view.state.type, concept: view.state.concept });
        link.setAttribute("data-find-suggestion", view.suggestion);
        p.appendChild(link);
        p.appendChild(document.createTextNode("?"));
        out.appendChild(p);
      }
      out.appendChild(kb.renderLayout(view.results, titles, "find"));
      if (view.results.length < view.total) {
        var more = kb.el("button", "md-button find__more", "More results");
        more.type = "button";
        more.setAttribute("data-find-more", "");
        out.appendChild(more);
      }
      return out;
    }

    function clearResults() {
      kb.clear(resultsBox);
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
})();
