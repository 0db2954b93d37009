// The header's search box answers from the search API wherever the API is reachable,
// with the results of the search page (/find/): the same grouping, highlights, math
// and part deep links (rendered by kb-search.js), and an "All results" link to
// /find/?query=... Where the site is hosted without the API, Material's built-in
// search in the same box is the fallback; its results' math is typeset (no raw TeX).
//
// The box is Material's own (so its opening, closing, focus trap and mobile layout
// stay Material's): our results sit in a container beside Material's result list,
// which is hidden while the API answers ([data-kb-search=api]). Material also opens
// it with "/" ("s", "f"); Ctrl-K (Cmd-K) is added here. On /find/ those keys go to
// the page's own field. Arrow keys, Enter and Esc work in our results.
(function () {
  "use strict";
  if (window.__headerSearch) return;
  window.__headerSearch = true;

  var DEBOUNCE_MS = 40; // as on /find/: answers take milliseconds, stale ones are dropped
  var LIMIT = 8;
  var kb = null;
  var mode = "unknown"; // "api" once the API answered, "builtin" once it was found missing
  var box = null; // ours, inside Material's search output: a status line and the results
  var status = null; // "12 results for …", a live region so that screen readers hear the count, not every hit
  var list = null;
  var input = null;
  var root = null; // Material's .md-search
  var seq = 0;
  var timer = null;
  var lastQuery = "";

  function start() {
    kb = window.kbSearch;
    if (!kb) return;
    mount();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(mount); // Material keeps the header; mount only if it was replaced
    }
    window.addEventListener("keydown", onKey, true); // before Material's own handler on window
    window.addEventListener("kb-search:offline", goBuiltin); // found missing, here or by the search page
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  function mount() {
    var search = document.querySelector('.md-search[data-md-component="search"]');
    if (!search || search === root) return;
    root = search;
    input = root.querySelector('[data-md-component="search-query"]');
    var result = root.querySelector('[data-md-component="search-result"]');
    if (!input || !result) return;
    box = kb.el("div", "kb-hsearch find__results");
    box.setAttribute("data-kb-hsearch", "");
    status = kb.el("p", "kb-hsearch__status");
    status.setAttribute("role", "status");
    list = kb.el("div", "kb-hsearch__results");
    box.appendChild(status);
    box.appendChild(list);
    box.hidden = true;
    result.parentNode.insertBefore(box, result);
    root.setAttribute("data-kb-search", mode === "builtin" ? "builtin" : "api");
    input.addEventListener("input", onInput);
    box.addEventListener("click", onClick);
    watchBuiltin(result);
  }

  function onInput() {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  }

  function run() {
    if (kb.offline) goBuiltin();
    if (mode === "builtin") return;
    var q = input.value.trim().slice(0, 200);
    if (q === lastQuery) return;
    lastQuery = q;
    var mine = ++seq;
    if (!q) {
      kb.clear(list);
      status.textContent = "";
      box.hidden = true;
      return;
    }
    kb.ask({ q: q, limit: String(LIMIT) }).then(function (answer) {
      if (mine !== seq) return; // a newer query was asked meanwhile
      if (answer.kind === "offline") return goBuiltin();
      mode = "api";
      kb.clear(list);
      box.hidden = false;
      if (answer.kind === "error") status.textContent = answer.message;
      else list.appendChild(render(q, answer.data));
      box.dispatchEvent(new CustomEvent("find:rendered", { detail: { kind: answer.kind, query: q } }));
      kb.markScrollBoxes(list);
      kb.typeset(list);
    });
  }

  function render(q, data) {
    var out = document.createDocumentFragment();
    var results = kb.cleanResults(data);
    var total = Number(data.total) || 0;
    status.textContent = (total ? total + (total === 1 ? " result" : " results") : "No results") + " for “" + q + "”";
    var note = kb.unmatchedNote(data);
    if (note) out.appendChild(kb.el("p", "find__unmatched", note + "."));
    if (data.suggestion) {
      var p = kb.el("p", "find__suggest", "Did you mean ");
      p.appendChild(allLink(data.suggestion, data.suggestion));
      p.appendChild(document.createTextNode("?"));
      out.appendChild(p);
    }
    if (results.length) out.appendChild(kb.renderLayout(results, null, "kb-hsearch"));
    var all = allLink(q, "All results on the search page");
    all.className = "kb-hsearch__all";
    all.setAttribute("data-find-hit", "all");
    out.appendChild(all);
    return out;
  }

  function allLink(q, text) {
    var a = kb.el("a", null, text);
    a.href = new URL("find/?" + new URLSearchParams({ query: q }).toString(), kb.SITE_ROOT).href;
    return a;
  }

  // The API is not there: Material's results (computed all along) are shown instead.
  function goBuiltin() {
    mode = "builtin";
    if (list) kb.clear(list);
    if (box) box.hidden = true;
    if (root) root.setAttribute("data-kb-search", "builtin");
  }

  function isOpen() {
    var toggle = document.querySelector('[data-md-toggle="search"]');
    return !!(toggle && toggle.checked);
  }

  function close() {
    var toggle = document.querySelector('[data-md-toggle="search"]');
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
    if (input) input.blur();
  }

  function onClick(event) {
    var link = event.target.closest("a[href]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) close();
  }

  function onKey(event) {
    var findField = document.querySelector("[data-find] #find-q");
    var editing = event.target instanceof Element && event.target.closest("input, textarea, select, [contenteditable]");
    // Ctrl-K / Cmd-K anywhere, "/" outside a field: the search page's own field there, else the header box.
    var opener = ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") ||
      (event.key === "/" && !editing && !event.ctrlKey && !event.metaKey && !event.altKey);
    if (opener) {
      var field = findField || input;
      if (!field) return;
      event.preventDefault();
      event.stopPropagation(); // Material would open its box over the search page
      if (field === input && !isOpen()) {
        var toggle = document.querySelector('[data-md-toggle="search"]');
        toggle.checked = true;
        toggle.dispatchEvent(new Event("change"));
      }
      field.focus();
      field.select();
      return;
    }
    if (mode !== "api" || !isOpen() || event.altKey || event.ctrlKey || event.metaKey) return;
    var links = Array.prototype.slice.call(box.querySelectorAll("a[data-find-hit]"));
    var at = links.indexOf(document.activeElement);
    var target = null;
    if (event.key === "ArrowDown") {
      target = at < 0 ? links[0] : links[Math.min(at + 1, links.length - 1)];
    } else if (event.key === "ArrowUp") {
      target = at <= 0 ? input : links[at - 1];
    } else if (event.key === "Enter" && document.activeElement === input) {
      // Enter in the box opens the first hit, as Material's does; without one, the search page.
      target = links[0];
      if (target) {
        event.preventDefault();
        event.stopPropagation();
        target.click();
        return;
      }
    } else if (event.key === "Enter" && at >= 0) {
      event.stopPropagation(); // the link opens itself; Material would click its own first result
      return;
    } else {
      return; // Esc, Tab and typing: Material's handling
    }
    event.preventDefault();
    event.stopPropagation();
    if (target) {
      target.focus();
      if (target !== input) target.scrollIntoView({ block: "nearest" });
    }
  }

  // ---- the fallback: Material's results with their math typeset

  // Material renders results (and more as one scrolls) into its list. Where its index
  // still holds arithmatex's \(...\) and \[...\] (kb/site/search_fallback.py turns math
  // into text for it; this is for any that gets through), each run of inline text is
  // rebuilt as text, <mark> and formulas, and typeset.
  var INLINE = /^(MARK|EM|STRONG|B|I|SPAN|SUB|SUP|SMALL)$/;
  function watchBuiltin(result) {
    var list = result.querySelector(".md-search-result__list");
    if (!list) return;
    new MutationObserver(function (records) {
      var found = false;
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          if (node.nodeType !== Node.ELEMENT_NODE || node.closest(".kb-tex-run, .find__math")) return;
          if (/\\[(\[]/.test(node.textContent) && texRuns(node)) found = true;
        });
      });
      if (found) kb.typeset(list);
    }).observe(list, { childList: true, subtree: true });
  }

  function texRuns(element) {
    var found = false;
    var run = [];
    var flush = function () {
      if (run.length && /\\[(\[]/.test(run.map(function (n) { return n.textContent; }).join(""))) {
        var wrap = kb.el("span", "kb-tex-run");
        run[0].parentNode.insertBefore(wrap, run[0]);
        run.forEach(function (n) { wrap.appendChild(n); });
        if (kb.richTeX(wrap)) found = true;
      }
      run = [];
    };
    Array.prototype.slice.call(element.childNodes).forEach(function (child) {
      if (child.nodeType === Node.TEXT_NODE || (child.nodeType === Node.ELEMENT_NODE && INLINE.test(child.nodeName) &&
          !child.classList.contains("find__math"))) {
        run.push(child);
      } else {
        flush();
        if (child.nodeType === Node.ELEMENT_NODE && child.nodeName !== "CODE" && child.nodeName !== "PRE" && texRuns(child)) found = true;
      }
    });
    flush();
    return found;
  }
})();
