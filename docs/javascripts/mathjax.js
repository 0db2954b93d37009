// MathJax 3 for pymdownx.arithmatex (generic mode), served from the site itself.
// Loaded before assets/mathjax/tex-chtml.js, which reads this configuration.

// Search highlighting (?h=...) marks matching words with <mark>. Math is marked as a
// whole formula instead (data-search-hit, styled in stylesheets/extra.css):
// - Material may reach TeX before MathJax does, and MathJax cannot find
//   "\(\mathrm{<mark>softmax</mark>}\)" as one formula: such marks are taken out as
//   soon as they appear;
// - typeset math it skips, so formulas are matched against the terms after typesetting.
function markMathHits() {
  const terms = (new URL(location.href).searchParams.get("h") || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return;
  for (const item of MathJax.startup.document.math) {
    const words = item.math.toLowerCase().split(/[^a-z0-9]+/);
    const formula = item.typesetRoot && item.typesetRoot.closest(".arithmatex");
    if (formula && terms.some(function (t) { return words.some(function (w) { return w.startsWith(t); }); })) {
      formula.setAttribute("data-search-hit", "");
    }
  }
}
// A display formula wider than the page scrolls in its own box, which keyboard users
// reach with Tab (kb-search.js; loaded before this file).
function markScrollBoxes() {
  if (window.kbSearch) window.kbSearch.markScrollBoxes(document);
}
function unmarkMath(mark) {
  const parent = mark.parentNode;
  mark.closest(".arithmatex").setAttribute("data-search-hit", "");
  mark.replaceWith(document.createTextNode(mark.textContent));
  parent.normalize();
}
new MutationObserver(function (records) {
  records.forEach(function (record) {
    record.addedNodes.forEach(function (node) {
      if (node.nodeName === "MARK" && node.isConnected && node.closest(".arithmatex")) {
        unmarkMath(node);
      }
    });
  });
}).observe(document.body, { childList: true, subtree: true });

// Imported answers and search snippets are not ours: MathJax's safe mode (ui/safe, copied
// from the same package) keeps TeX from adding links to javascript: or data: URLs, classes,
// ids or styles (\href, \class, \cssId, \style). Its URL check reads the scheme as written,
// so "java\tscript:" passes as a relative URL, while browsers drop tabs and newlines inside a
// URL. URLs are checked again with those removed; only http(s), mailto and relative links stay.
function safeURL(safe, url) {
  const compact = String(url).replace(/[\u0000-\u0020\u007f]+/g, "");
  const scheme = compact.match(/^([a-z][a-z0-9+.-]*):/i);
  return !scheme || /^(https?|mailto)$/i.test(scheme[1]) ? compact : null;
}

window.MathJax = {
  loader: { load: ["ui/safe"] },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    // Only math marked up by arithmatex, and headings with math as the table of
    // contents and the nav repeat them (as plain text in .md-ellipsis).
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|md-ellipsis",
    safeOptions: { safeProtocols: { file: false, javascript: false, data: false } },
    // Formulas out of the Tab order: Q7 alone has 45, and keyboard users had to Tab through
    // each. Screen readers still read them (MathJax's hidden MathML copy stays), and the
    // menu (right-click) can put them back in the Tab order for whoever wants to explore them.
    menuOptions: { settings: { inTabOrder: false } }
  },
  startup: {
    ready: function () {
      MathJax.startup.defaultReady();
      MathJax.startup.document.safe.filterMethods.filterURL = safeURL;
    },
    pageReady: function () {
      return MathJax.startup.defaultPageReady().then(markMathHits).then(markScrollBoxes);
    }
  },
  chtml: {
    // Material's instant navigation removes <head> elements the next page does not have,
    // MathJax's stylesheet among them. MathJax puts it back on its next typeset, but only
    // with its text: rules it had added one by one (adaptive CSS) are gone, and characters
    // drawn by those rules turn invisible. With the whole font's CSS in the text, nothing is lost.
    adaptiveCSS: false
  }
};

// MathJax's own startup typesets the first page. Material's document$ also emits
// that first page; typesetting it again while startup is still busy duplicates the
// output. So the first emission is skipped, and each page that instant navigation
// swaps in is typeset after whatever MathJax is doing now has finished.
(function () {
  let firstPage = true;
  document$.subscribe(function () {
    if (firstPage) {
      firstPage = false;
      return;
    }
    const mathjax = window.MathJax;
    if (!mathjax.startup || !mathjax.startup.promise) {
      return; // still loading: its startup will typeset the page that is there now
    }
    mathjax.startup.promise = mathjax.startup.promise
      .then(function () {
        mathjax.typesetClear();
        mathjax.texReset();
        return mathjax.typesetPromise();
      })
      .then(markMathHits)
      .then(markScrollBoxes)
      .catch(function (error) {
        console.error("MathJax could not typeset this page:", error);
      });
  });
})();
