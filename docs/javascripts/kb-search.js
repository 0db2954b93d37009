// The search API's client and its results' rendering, shared by the search page
// (find.js) and the header search box (header-search.js): window.kbSearch.
//
// It uses only the API's documented contract (docs/api.md: GET /search -> total,
// suggestion, unmatched, results[type, collection, question, part, title, page_title,
// url, snippet, concepts]). Untrusted text (titles, snippets, queries) reaches the DOM
// as text; only <mark> survives from snippets, and $...$ math becomes MathJax's own
// output (typeset in its safe mode, see mathjax.js).
//
// Where the API is: the build-time setting extra.search_api (mkdocs.yml), written into
// <meta name="kb-search-api"> by overrides/main.html. Empty means the site's own origin,
// with "search" relative to the site root, so a site under /kb/ asks /kb/search.
(function () {
  "use strict";
  if (window.kbSearch) return; // instant navigation may run this file again

  // The site root is where this file's folder sits (javascripts/ under the root): it holds
  // on every page, under a sub-path too, and does not change as instant navigation moves.
  var script = document.currentScript;
  var SITE_ROOT = new URL("../", script ? script.src : location.href).href;
  var TIMEOUT_MS = 8000;

  function endpoint() {
    var meta = document.querySelector('meta[name="kb-search-api"]');
    var base = (meta && meta.getAttribute("content") || "").trim();
    if (!base) return new URL("search", SITE_ROOT).href;
    return new URL("search", new URL(base.replace(/\/?$/, "/"), SITE_ROOT)).href;
  }

  // A hit's URL, root-relative or absolute, as a link under the site root; anything
  // but http(s) (a javascript: URL from a compromised API) is refused.
  function resolveUrl(url) {
    if (typeof url !== "string" || !url) return null;
    var resolved;
    try {
      var root = new URL(SITE_ROOT);
      if (/^[a-z][a-z0-9+.-]*:/i.test(url)) resolved = new URL(url);
      // An API mounted under the site's sub-path answers "/kb/questions/..." (its script root
      // included): that path is already whole. Any other path is relative to the site root.
      else if (url.charAt(0) === "/" && url.charAt(1) !== "/" && url.indexOf(root.pathname) === 0) resolved = new URL(url, root.origin);
      else resolved = new URL(url.replace(/^\/+/, ""), root);
    } catch (e) {
      return null;
    }
    return /^https?:$/.test(resolved.protocol) ? resolved.href : null;
  }

  // ---- asking the API

  // Resolves to {kind: "results", data} | {kind: "error", message} | {kind: "offline", message?}.
  // A redirect (a static host answers /search with /search/, the built-in index's folder)
  // or anything not JSON means there is no API here; the request never follows redirects
  // (the API never redirects), so the browser stops there with no 4xx and no console error.
  function ask(params) {
    var init = { headers: { Accept: "application/json" }, credentials: "same-origin", redirect: "manual" };
    var controller = new AbortController();
    var timedOut = false;
    var deadline = setTimeout(function () {
      timedOut = true;
      controller.abort(); // also stops reading a body that trickles in
    }, TIMEOUT_MS);
    init.signal = controller.signal;
    var late = { kind: "offline", message: "the search service did not answer within " + TIMEOUT_MS / 1000 + " seconds." };
    var names = loadCollections();
    return fetch(endpoint() + "?" + new URLSearchParams(params).toString(), init)
      .then(function (response) {
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
        // Known for the rest of this document: the header box and the search page both
        // turn to the built-in search ("kb-search:offline" on window).
        if (answer.kind === "offline" && !api.offline) {
          api.offline = true;
          window.dispatchEvent(new CustomEvent("kb-search:offline"));
        }
        return answer.kind === "results" ? names.then(function () { return answer; }) : answer;
      });
  }

  // Results with a usable URL, resolved against the site root.
  function cleanResults(data) {
    var out = [];
    (data.results || []).forEach(function (r) {
      var href = r && resolveUrl(r.url);
      if (href) out.push(Object.assign({}, r, { href: href }));
    });
    return out;
  }

  // "No results for: clipping" when the API says some words matched nothing.
  function unmatchedNote(data) {
    var words = data && Array.isArray(data.unmatched) ? data.unmatched.filter(function (w) {
      return typeof w === "string" && w.trim();
    }) : [];
    return words.length ? "No results for: " + words.join(", ") : null;
  }

  // ---- names: one per collection, the title of its page

  // The build writes collections.json at the site root ({slug: title}, kb/site/hooks.py); it is
  // fetched once, beside the first search, so pages don't grow with the number of collections.
  // Without it a collection is named from its slug.
  var collections = new Map();
  var collectionsLoaded = null;
  function loadCollections() {
    if (!collectionsLoaded) {
      collectionsLoaded = fetch(new URL("collections.json", SITE_ROOT).href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (names) {
          Object.keys(names || {}).forEach(function (slug) {
            if (typeof names[slug] === "string") collections.set(slug, names[slug]);
          });
        })
        .catch(function () {});
    }
    return collectionsLoaded;
  }
  function collectionName(slug) {
    if (!slug) return "";
    return collections.get(slug) || humanize(slug);
  }

  // ---- rendering: groups of question + parts, and concepts, as on /find/

  function groupByQuestion(results) {
    var groups = [];
    var byPage = new Map();
    results.forEach(function (result) {
      if (result.type !== "question" && result.type !== "part") return;
      var key = pageUrl(result.href);
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

  // The words a result's snippets marked, for the page it links to to mark too (highlight.js).
  function markedWords(results) {
    var words = [];
    results.forEach(function (result) {
      if (!result || !result.snippet) return;
      var parsed = parseSnippet(result.snippet), run = "";
      for (var i = 0; i <= parsed.text.length; i++) {
        if (i < parsed.text.length && parsed.marked[i]) { run += parsed.text[i]; continue; }
        run.split(/\s+/).forEach(function (w) { if (w && words.indexOf(w.toLowerCase()) < 0) words.push(w.toLowerCase()); });
        run = "";
      }
    });
    return words.slice(0, 8);
  }
  // A hit's link keeps the API's URL; the words go with it in data-kb-hl, handed to the next page by
  // highlight.js when the link is followed.
  function withWords(link, href, words) {
    link.href = href;
    if (words.length) link.setAttribute("data-kb-hl", words.join(" "));
  }

  // `titles`: page URL -> title seen in an earlier answer, for a group with parts only.
  function renderGroup(group, titles) {
    var article = el("article", "find__group");
    var header = el("h3", "find__title");
    var link = el("a");
    var found = markedWords([group.main].concat(group.parts));
    withWords(link, group.main ? group.main.href : group.url, found);
    link.setAttribute("data-find-hit", group.main ? "question" : "page");
    link.appendChild(el("span", "find__qnum", group.question || ""));
    link.appendChild(document.createTextNode(" "));
    var first = group.main || group.parts[0];
    var title = group.main ? group.main.title : (titles && titles.get(group.url)) || (first && first.page_title);
    rich(link, title || "Question " + String(group.question || "").replace(/^Q/, ""), false);
    header.appendChild(link);
    article.appendChild(header);
    if (group.collection) article.appendChild(el("p", "find__meta", collectionName(group.collection)));
    if (group.main && group.main.snippet) article.appendChild(snippet(group.main.snippet));
    if (group.parts.length) {
      var list = el("ul", "find__parts");
      group.parts.forEach(function (part) {
        var item = el("li", "find__part");
        var a = el("a");
        withWords(a, part.href, markedWords([part]).length ? markedWords([part]) : found);
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

  function renderConcepts(concepts, headingId) {
    var section = el("section", "find__concepts");
    section.setAttribute("aria-labelledby", headingId);
    var heading = el("h2", "find__heading", "Concepts");
    heading.id = headingId;
    section.appendChild(heading);
    var list = el("ul", "find__concept-list");
    concepts.forEach(function (concept) {
      var item = el("li", "find__concept-item");
      var a = el("a");
      withWords(a, concept.href, markedWords([concept]));
      a.setAttribute("data-find-hit", "concept");
      rich(a, concept.title || humanize(lastSegment(concept.href)), false);
      item.appendChild(a);
      if (concept.snippet) item.appendChild(snippet(concept.snippet));
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }

  // The answers (grouped by question) beside the concepts. `idPrefix` keeps the
  // headings' ids unique when both the page and the header show results.
  function renderLayout(results, titles, idPrefix) {
    var groups = groupByQuestion(results);
    var concepts = results.filter(function (r) { return r.type === "concept"; });
    var layout = el("div", "find__layout");
    if (groups.length) {
      var answers = el("section", "find__answers");
      answers.setAttribute("aria-labelledby", idPrefix + "-answers-title");
      var heading = el("h2", "find__heading", "Answers");
      heading.id = idPrefix + "-answers-title";
      answers.appendChild(heading);
      groups.forEach(function (group) { answers.appendChild(renderGroup(group, titles)); });
      layout.appendChild(answers);
    }
    if (concepts.length) layout.appendChild(renderConcepts(concepts, idPrefix + "-concepts-title"));
    return layout;
  }

  function snippet(html) {
    var p = el("p", "find__snippet");
    rich(p, html, true);
    return p;
  }

  // ---- snippets and titles: text, <mark> and math, never other markup

  // Snippet HTML is parsed in an inert document (no scripts run, nothing loads) and
  // rebuilt from text nodes; only <mark> survives. Returns the text and, per
  // character, whether it is marked.
  function parseSnippet(html) {
    var doc = new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html");
    return textOf(doc.body);
  }

  function textOf(root) {
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
    })(root, false);
    return { text: text, marked: marked };
  }

  // Put `source` (snippet HTML when isHtml, else plain text) into parent: complete
  // $...$ math becomes a formula (highlighted whole when any of it matched); math cut
  // off by the snippet's edge is shown as TeX in <code>, never half-typeset.
  function rich(parent, source, isHtml) {
    var parsed = isHtml ? parseSnippet(source) : { text: String(source), marked: [] };
    richSegments(parent, parsed, mathSegments(parsed.text));
  }

  function richSegments(parent, parsed, segments) {
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
    segments.forEach(function (seg) {
      if (seg.kind === "text") return runs(parent, seg.from, seg.to);
      var node = seg.kind === "math" ? formula(seg.tex) : el("code", "find__tex");
      if (seg.kind === "tex") runs(node, seg.from, seg.to);
      if (seg.kind === "math" && anyMarked(seg.from, seg.to)) {
        var mark = document.createElement("mark");
        mark.appendChild(node);
        node = mark;
      }
      parent.appendChild(node);
    });
  }

  // A formula: a copy of its typeset form when this TeX was typeset before (no work at
  // all), else its TeX, shown at once and typeset by typeset() after the text is on screen.
  var typesetCache = new Map(); // TeX -> typeset mjx-container, detached
  function formula(tex) {
    var span = el("span", "arithmatex find__math");
    span.setAttribute("data-tex", tex);
    var done = typesetCache.get(tex);
    if (done) span.appendChild(done.cloneNode(true));
    else {
      span.classList.add("find__math--pending");
      span.textContent = "\\(" + tex + "\\)";
    }
    return span;
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

  // Split text at \( \) and \[ \] (the built-in search's text keeps arithmatex's delimiters).
  function bracketSegments(text) {
    var out = [];
    var pattern = /\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g;
    var pos = 0;
    var found;
    while ((found = pattern.exec(text))) {
      out.push({ kind: "text", from: pos, to: found.index });
      out.push({ kind: "math", from: found.index, to: pattern.lastIndex, tex: (found[1] || found[2]).trim() });
      pos = pattern.lastIndex;
    }
    out.push({ kind: "text", from: pos, to: text.length });
    return out.filter(function (seg) { return seg.to > seg.from && (seg.kind !== "math" || seg.tex); });
  }

  // An element whose text holds \(...\) (a built-in search result), rebuilt as text,
  // <mark> and formulas. Returns whether it held any math.
  function richTeX(element) {
    var parsed = textOf(element);
    var segments = bracketSegments(parsed.text);
    if (!segments.some(function (seg) { return seg.kind === "math"; })) return false;
    element.textContent = "";
    richSegments(element, parsed, segments);
    return true;
  }

  // Typeset the formulas of `container` not typeset before, once the text is on screen
  // (after the next frame) and after whatever MathJax is doing now; each result is kept
  // for the next answer that shows the same TeX. A formula MathJax cannot read is shown
  // as its TeX instead of an error box.
  function typeset(container) {
    var mathjax = window.MathJax;
    if (!container.querySelector(".find__math--pending")) return Promise.resolve();
    if (!mathjax || !mathjax.startup || !mathjax.startup.promise || !mathjax.typesetPromise) {
      return Promise.resolve(); // not loaded yet: its startup typesets the page, results included
    }
    var afterPaint = new Promise(function (resolve) {
      requestAnimationFrame(function () { setTimeout(resolve, 0); });
    });
    mathjax.startup.promise = mathjax.startup.promise
      .then(function () { return afterPaint; })
      .then(function () {
        var pending = Array.prototype.slice.call(container.querySelectorAll(".find__math--pending"));
        if (!pending.length || !container.isConnected) return null;
        return mathjax.typesetPromise(pending).then(function () { return pending; });
      })
      .then(function (spans) {
        (spans || []).forEach(function (span) {
          span.classList.remove("find__math--pending");
          var output = span.querySelector("mjx-container");
          if (!output || span.querySelector("mjx-merror")) {
            span.className = "find__tex";
            span.textContent = span.getAttribute("data-tex");
            return;
          }
          output.removeAttribute("tabindex"); // out of the Tab order; its hidden MathML stays for screen readers
          if (typesetCache.size > 2000) typesetCache.clear();
          typesetCache.set(span.getAttribute("data-tex"), output.cloneNode(true));
        });
        markScrollBoxes(container);
      })
      .catch(function () { /* the TeX stays readable as text */ });
    return mathjax.startup.promise;
  }

  // A formula too wide for its column scrolls in its own box (stylesheets: overflow-x auto).
  // Keyboard users can scroll only what they can focus, so such a box, and only such a box,
  // is put in the Tab order (WCAG 2.1.1; axe's scrollable-region-focusable); other formulas
  // stay out of it (mathjax.js). Checked again when the window is resized.
  var SCROLL_BOXES = "div.arithmatex, .find__results mjx-container";
  function markScrollBoxes(root) {
    (root || document).querySelectorAll(SCROLL_BOXES).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && box.getAttribute("tabindex") !== "0") {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-kb-scrolls", "");
      } else if (!scrolls && box.hasAttribute("data-kb-scrolls")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-kb-scrolls");
      }
    });
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { markScrollBoxes(document); }, 200);
  });

  // Forget what MathJax typeset in `container` before its content is replaced.
  function clear(container) {
    var mathjax = window.MathJax;
    if (mathjax && typeof mathjax.typesetClear === "function") {
      try { mathjax.typesetClear([container]); } catch (e) { /* nothing typeset yet */ }
    }
    container.textContent = "";
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

  var api = window.kbSearch = {
    offline: false, // set once an answer showed there is no API here
    SITE_ROOT: SITE_ROOT,
    endpoint: endpoint,
    resolveUrl: resolveUrl,
    ask: ask,
    cleanResults: cleanResults,
    unmatchedNote: unmatchedNote,
    collectionName: collectionName,
    renderLayout: renderLayout,
    rich: rich,
    richTeX: richTeX,
    typeset: typeset,
    markScrollBoxes: markScrollBoxes,
    clear: clear,
    el: el,
    pageUrl: pageUrl,
    lastSegment: lastSegment,
    humanize: humanize
  };
})();
