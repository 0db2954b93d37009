// The words a search found, marked on the page it leads to.
//
// A hit's link in the API's results (kb-search.js) carries data-kb-hl="<words>": the words its
// snippets marked, so a typo the API corrected ("inductve") marks the word found ("inductive").
// Following it hands the words to the next page in sessionStorage (the link's URL stays the API's);
// a link may also name them, ?hl=<words>. There each whole-word occurrence in the article's text
// (not in code, math or the page's own controls) is wrapped in <mark class="kb-hl">, built from
// text nodes only: the words are text, never markup. Runs again for each page instant navigation
// swaps in (document$).
(function () {
  "use strict";

  if (window.__kbHighlight) return;
  window.__kbHighlight = true;

  var SKIP = "code, pre, script, style, mjx-container, .arithmatex, mark, button, .headerlink";
  var MAX_WORDS = 8;

  var KEY = "kb-hl";

  // Capture phase: before instant navigation takes the click (Enter on a focused link is a click too).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-kb-hl]");
    if (!link) return;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ path: link.pathname, words: link.getAttribute("data-kb-hl") }));
    } catch (e) { /* storage off: nothing is marked */ }
  }, true);

  function handed() {
    try {
      var entry = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (!entry || entry.path !== location.pathname) return "";
      sessionStorage.removeItem(KEY);
      return String(entry.words || "");
    } catch (e) { return ""; }
  }

  function words() {
    var raw = new URL(location.href).searchParams.get("hl") || handed();
    var seen = {};
    return raw.split(/\s+/).map(function (w) { return w.replace(/[^\p{L}\p{N}'-]/gu, ""); })
      .filter(function (w) { var k = w.toLowerCase(); if (w.length < 2 || seen[k]) return false; seen[k] = 1; return true; })
      .slice(0, MAX_WORDS);
  }

  function escaped(word) { return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function mark(root, terms) {
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + terms.map(escaped).join("|") + ")(?=$|[^\\p{L}\\p{N}])", "giu");
    var probe = new RegExp(pattern.source, "iu"); // no "g": test() must not move lastIndex
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement && !node.parentElement.closest(SKIP) && probe.test(node.data)
          ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var nodes = [];
    for (var n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    var first = null;
    nodes.forEach(function (node) {
      var text = node.data, out = document.createDocumentFragment(), at = 0, m;
      pattern.lastIndex = 0;
      while ((m = pattern.exec(text))) {
        var start = m.index + m[1].length;
        out.appendChild(document.createTextNode(text.slice(at, start)));
        var hit = document.createElement("mark");
        hit.className = "kb-hl";
        hit.textContent = m[2];
        out.appendChild(hit);
        first = first || hit;
        at = start + m[2].length;
      }
      out.appendChild(document.createTextNode(text.slice(at)));
      node.parentNode.replaceChild(out, node);
    });
    return first;
  }

  function onPage() {
    var terms = words();
    var article = document.querySelector("article.md-content__inner");
    if (!terms.length || !article || article.querySelector("mark.kb-hl")) return;
    mark(article, terms);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(onPage);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onPage);
  else onPage();
})();
