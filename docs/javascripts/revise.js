// Hide-the-answer mode on question pages: every answer folds behind "Show answer".
//
// The toggle (overrides/main.html, on question pages only) is a button, so Tab and Enter
// reach it; its state is remembered in this browser (localStorage "kb-revise") and can be
// set by a link: ?revise=1 turns the mode on (and remembers it), ?revise=0 off. Folding
// wraps each answer in the <details> block pymdownx.details writes, styled by the theme;
// turning the mode off puts the page's own nodes back where they were, so the page is
// then exactly as built. What stays in view is what a card's front shows
// (kb/revise/cards.py): the title, a page's intro before its parts, each part's heading,
// the exam paper's statement (a blockquote right under a heading) and, on a page
// without parts, the line under the title that names the source. Formulas keep their
// typeset form when moved. Runs again for each page instant navigation swaps in (document$).
(function () {
  "use strict";

  if (window.__kbRevise) return; // instant navigation may run this file again
  window.__kbRevise = true;

  var KEY = "kb-revise";
  var FOLD = "kb-reveal";

  function remembered() {
    try { return localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function remember(on) {
    try { localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode: this page only */ }
  }

  function onDocument() {
    var toggle = document.querySelector("[data-kb-revise-toggle]");
    if (!toggle) return;
    var asked = new URLSearchParams(location.search).get("revise");
    if (asked === "1" || asked === "0") remember(asked === "1");
    var on = remembered();
    toggle.hidden = false;
    apply(toggle, on);
    toggle.addEventListener("click", function () {
      var next = toggle.getAttribute("aria-pressed") !== "true";
      remember(next);
      apply(toggle, next);
    });
  }

  // Runs `fn` for this page and for each page instant navigation swaps in (Material's document$,
  // which on a first load exists only after Material's bundle: so looked up once the page is parsed).
  // practice.js uses it too.
  function onEachPage(fn) {
    function start() {
      if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(fn);
      else fn();
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
  window.kbRevise = { onEachPage: onEachPage };
  onEachPage(onDocument);

  function apply(toggle, on) {
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.title = on ? "Answers are hidden: show them all" : "Hide every answer behind “Show answer”";
    var article = toggle.closest("article") || document.querySelector("article");
    if (!article) return;
    if (on) fold(article);
    else unfold(article);
  }

  function isPart(node) {
    return node.nodeType === 1 && node.localName === "h2" && /^part-/.test(node.id);
  }
  function isEnd(node) {
    return node.nodeType === 1 && (node.classList.contains("kb-listings") || node.localName === "footer" ||
      node.localName === "aside");
  }
  // The line under the title that names the source: a paragraph that is one <em>.
  function isProvenance(node) {
    return node.nodeType === 1 && node.localName === "p" && node.children.length === 1 &&
      node.firstElementChild.localName === "em" && node.textContent.trim() === node.firstElementChild.textContent.trim();
  }

  // The answers: [[node, ...], ...], one list per part (one for a page without parts).
  function answers(article) {
    var title = article.querySelector(":scope > h1");
    if (!title) return [];
    var children = Array.prototype.slice.call(article.childNodes);
    var parts = children.filter(isPart);
    var starts = parts.length ? parts : [title];
    return starts.map(function (start) {
      var nodes = [];
      var leading = true;
      for (var node = start.nextSibling; node && !isPart(node) && !isEnd(node); node = node.nextSibling) {
        if (node.nodeType === 3 && !node.textContent.trim()) {
          if (!leading) nodes.push(node);
          continue;
        }
        if (leading && node.nodeType === 1 &&
            (node.localName === "blockquote" || (!parts.length && isProvenance(node)))) continue;
        leading = false;
        nodes.push(node);
      }
      while (nodes.length && nodes[nodes.length - 1].nodeType === 3) nodes.pop();
      return nodes;
    }).filter(function (nodes) { return nodes.length; });
  }

  function fold(article) {
    if (article.querySelector(":scope > details." + FOLD)) return;
    answers(article).forEach(function (nodes) {
      var details = document.createElement("details");
      details.className = "question " + FOLD;
      var summary = document.createElement("summary");
      summary.textContent = "Show answer";
      details.appendChild(summary);
      nodes[0].parentNode.insertBefore(details, nodes[0]);
      nodes.forEach(function (node) { details.appendChild(node); });
      details.addEventListener("toggle", function () {
        summary.textContent = details.open ? "Hide answer" : "Show answer";
      });
    });
    // A link to a heading inside an answer (#...) opens that answer.
    openTarget(article);
  }

  function openTarget(article) {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var details = target && target.closest && target.closest("details." + FOLD);
    if (details && article.contains(details)) details.open = true;
  }

  function unfold(article) {
    article.querySelectorAll(":scope > details." + FOLD).forEach(function (details) {
      var parent = details.parentNode;
      Array.prototype.slice.call(details.childNodes).forEach(function (node) {
        if (node.nodeType === 1 && node.localName === "summary") return;
        parent.insertBefore(node, details);
      });
      details.remove();
    });
  }
})();
