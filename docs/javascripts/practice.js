// The practice page (/practice/): one question part at a time, reveal, "Knew it" or "Again".
//
// What to practise is in the URL: ?collection=<slug>, ?tag=<tag>, ?concept=<slug>, or
// ?cards=<id>,<id>... (ids are URLs under the site root: "questions/c/q3/#part-a" for a part,
// "questions/c/q3/" for every part of a question), which the search page's "Practise these"
// link writes. Without any, the page lists what there is to practise. The cards come from
// static JSON written by the site build (kb/revise/practice.py, under practice/data/), so
// the page works offline and asks no API.
//
// Progress stays in this browser (localStorage, nothing is sent anywhere):
// "kb-practice:marks" holds each card's last mark, across sessions, and
// "kb-practice:session:<scope>" the order, position and marks of the session under way,
// so a reload resumes it. A new session puts the cards last marked "Again" first, each
// group in random order.
//
// The answers are the built page's HTML, cleaned at build time (kb.site.sanitize); they
// are parsed here by DOMParser, which runs nothing, cleaned again (no script, no event
// handler, only http(s), mailto and the site's own URLs) and then moved into the page.
// Titles and tags from the data are set as text. Also mounts "Practise these" on /find/.
(function () {
  "use strict";

  if (window.__kbPractice) return; // instant navigation may run this file again
  window.__kbPractice = true;

  var MARKS = "kb-practice:marks";
  var SESSION = "kb-practice:session:";
  var current = null;

  function onDocument() {
    if (current) {
      current.unmount();
      current = null;
    }
    var root = document.querySelector("[data-practice]");
    if (root) current = mount(root);
    var find = document.querySelector("[data-find]");
    if (find) offerFromSearch(find);
  }

  window.kbRevise.onEachPage(onDocument); // revise.js, loaded before this file

  // ---- storage: a browser without localStorage (or with it full) practises without memory

  function load(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null || typeof value !== "object" ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* nothing is lost but memory */ }
  }

  // ---- small DOM helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function button(text, className, attribute) {
    var b = el("button", "md-button " + (className || ""), text);
    b.type = "button";
    if (attribute) b.setAttribute(attribute, "");
    return b;
  }

  function safeUrl(value, root) {
    var compact = String(value).replace(/[\u0000-\u0020\u007f]+/g, "");
    var scheme = compact.match(/^([a-z][a-z0-9+.-]*):/i);
    if (scheme) return /^(https?|mailto)$/i.test(scheme[1]) ? compact : null;
    return new URL(compact, root).href; // the data's URLs are under the site root
  }

  var DROPPED = "script,style,iframe,frame,object,embed,link,meta,base,form,input,button,textarea,select,template,svg,math";
  // The site's cleaned HTML of an answer, as nodes: parsed where nothing runs, cleaned once more.
  function fragment(html, root) {
    var doc = new DOMParser().parseFromString("<!doctype html><body>" + String(html || ""), "text/html");
    doc.body.querySelectorAll(DROPPED).forEach(function (node) { node.remove(); });
    doc.body.querySelectorAll("*").forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        if (name.indexOf("on") === 0 || name === "style" || name === "srcdoc" || name === "srcset" ||
            name === "formaction" || name === "xlink:href" || name === "id") {
          node.removeAttribute(attr.name); // ids: the page's own anchors stay unique
        } else if (name === "href" || name === "src") {
          var url = safeUrl(attr.value, root);
          if (url === null) node.removeAttribute(attr.name);
          else node.setAttribute(attr.name, url);
        }
      });
    });
    var out = document.createDocumentFragment();
    while (doc.body.firstChild) out.appendChild(document.adoptNode(doc.body.firstChild));
    return out;
  }

  function typeset(container) {
    var mathjax = window.MathJax;
    if (!mathjax || !mathjax.startup || !mathjax.startup.promise || !mathjax.typesetPromise) return;
    mathjax.startup.promise = mathjax.startup.promise
      .then(function () { return container.isConnected ? mathjax.typesetPromise([container]) : null; })
      .then(function () { if (window.kbSearch) window.kbSearch.markScrollBoxes(container); })
      .catch(function () { /* the TeX stays readable as text */ });
  }

  function shuffle(list) {
    for (var i = list.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = list[i]; list[i] = list[j]; list[j] = t;
    }
    return list;
  }

  // ---- what to practise: the URL

  function readScope() {
    var params = new URLSearchParams(location.search);
    var kinds = ["collection", "tag", "concept"];
    for (var i = 0; i < kinds.length; i++) {
      var value = params.get(kinds[i]);
      if (value) return { kind: kinds[i], value: value, key: kinds[i] + ":" + value };
    }
    var ids = (params.get("cards") || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    if (ids.length) return { kind: "cards", value: ids, key: "cards:" + ids.join(",") };
    return null;
  }

  function collectionOf(id) {
    var m = /^questions\/([^/]+)\//.exec(id);
    return m ? m[1] : null;
  }

  function scopeName(scope, index) {
    if (scope.kind === "collection") {
      var c = index.collections.filter(function (x) { return x.slug === scope.value; })[0];
      return c ? c.title : scope.value;
    }
    if (scope.kind === "tag") return "Tag: " + scope.value;
    if (scope.kind === "concept") {
      var k = index.concepts.filter(function (x) { return x.slug === scope.value; })[0];
      return "Concept: " + (k ? k.title : scope.value);
    }
    return "Search results";
  }

  function neededCollections(scope, index) {
    var known = index.collections.map(function (c) { return c.slug; });
    var wanted = [];
    if (scope.kind === "collection") wanted = [scope.value];
    else if (scope.kind === "tag") {
      index.tags.forEach(function (t) { if (t.tag === scope.value) wanted = t.collections; });
    } else if (scope.kind === "concept") {
      index.concepts.forEach(function (k) { if (k.slug === scope.value) wanted = k.collections; });
    } else {
      wanted = scope.value.map(collectionOf);
    }
    return wanted.filter(function (slug, i) { return slug && known.indexOf(slug) >= 0 && wanted.indexOf(slug) === i; });
  }

  function inScope(scope) {
    if (scope.kind === "collection") return function (c) { return c.collection === scope.value; };
    if (scope.kind === "tag") return function (c) { return (c.tags || []).indexOf(scope.value) >= 0; };
    if (scope.kind === "concept") return function (c) { return (c.concepts || []).indexOf(scope.value) >= 0; };
    var ids = new Set(scope.value);
    return function (c) { return ids.has(c.id) || ids.has(c.id.split("#")[0]); };
  }

  // ---- the page

  function mount(root) {
    var status = root.querySelector("[data-practice-status]");
    var body = root.querySelector("[data-practice-body]");
    var here = new URL(location.href);
    here.search = "";
    here.hash = "";
    var siteRoot = new URL("../", here).href; // this page is practice/ under the site root
    var mounted = true;
    var scope = readScope();

    function getJson(path) {
      return fetch(new URL(path, here).href, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
    }

    function setStatus(text) {
      if (status.textContent !== text) status.textContent = text;
    }

    getJson("data/index.json").then(function (index) {
      if (!mounted) return null;
      if (!scope) return chooser(index);
      return Promise.all(neededCollections(scope, index).map(function (slug) {
        return getJson("data/" + encodeURIComponent(slug) + ".json");
      })).then(function (files) {
        if (!mounted) return;
        var cards = [];
        var keep = inScope(scope);
        files.forEach(function (file) { (file.cards || []).forEach(function (c) { if (keep(c)) cards.push(c); }); });
        session(index, cards);
      });
    }).catch(function () {
      if (mounted) setStatus("The practice data could not be loaded. Reload the page to try again.");
    });

    // Without a scope: what there is to practise.
    function chooser(index) {
      setStatus("Choose what to practise.");
      body.textContent = "";
      var groups = [
        ["Collections", index.collections, function (c) { return ["collection", c.slug, c.title, c.cards]; }],
        ["Tags", index.tags, function (t) { return ["tag", t.tag, t.tag, t.cards]; }],
        ["Concepts", index.concepts, function (k) { return ["concept", k.slug, k.title, k.cards]; }]
      ];
      groups.forEach(function (group) {
        if (!group[1].length) return;
        body.appendChild(el("h2", null, group[0]));
        var list = el("ul", "practice__choices");
        group[1].forEach(function (item) {
          var entry = group[2](item);
          var li = el("li");
          var a = el("a", null, entry[2]);
          a.href = "?" + new URLSearchParams([[entry[0], entry[1]]]).toString();
          li.appendChild(a);
          li.appendChild(document.createTextNode(" (" + entry[3] + (entry[3] === 1 ? " card)" : " cards)")));
          list.appendChild(li);
        });
        body.appendChild(list);
      });
    }

    function session(index, cards) {
      var name = scopeName(scope, index);
      var byId = new Map(cards.map(function (c) { return [c.id, c]; }));
      var key = SESSION + scope.key;
      if (!cards.length) {
        setStatus("Nothing to practise here: no question part matches (" + name + ").");
        return;
      }
      var state = load(key, null);
      if (!state || !Array.isArray(state.order)) state = fresh();
      else {
        // Cards added or removed since the session began: the gone ones go, new ones join at the end.
        var seen = new Set(state.order);
        state.order = state.order.filter(function (id) { return byId.has(id); });
        cards.forEach(function (c) { if (!seen.has(c.id)) state.order.push(c.id); });
        state.results = state.results && typeof state.results === "object" ? state.results : {};
        state.at = Math.max(0, Math.min(Number(state.at) || 0, state.order.length));
      }
      save(key, state);
      render();

      function fresh() {
        var marks = load(MARKS, {});
        var again = [], rest = [];
        cards.forEach(function (c) { (marks[c.id] === "again" ? again : rest).push(c.id); });
        return { order: shuffle(again).concat(shuffle(rest)), at: 0, results: {} };
      }

      function counts() {
        var knew = 0, again = 0;
        state.order.forEach(function (id) {
          if (state.results[id] === "knew") knew++;
          else if (state.results[id] === "again") again++;
        });
        return { knew: knew, again: again };
      }

      function render() {
        body.textContent = "";
        var head = el("div", "practice__head");
        head.appendChild(el("h2", "practice__scope", name));
        var total = state.order.length;
        var progress = el("progress", "practice__progress");
        progress.max = total;
        progress.value = Math.min(state.at, total);
        progress.setAttribute("aria-label", "Progress");
        head.appendChild(progress);
        body.appendChild(head);
        if (state.at >= total) return summary();
        var c = counts();
        setStatus("Card " + (state.at + 1) + " of " + total + " · knew " + c.knew + " · again " + c.again);
        card(byId.get(state.order[state.at]));
      }

      function card(data) {
        var box = el("section", "practice__card");
        box.setAttribute("data-practice-card", data.id);
        box.setAttribute("aria-label", "Question");
        var title = el("p", "practice__title");
        var link = el("a");
        link.href = safeUrl(data.id, siteRoot);
        link.appendChild(fragment(data.title, siteRoot));
        title.appendChild(link);
        box.appendChild(title);
        if (data.intro) {
          var intro = el("div", "practice__intro");
          intro.appendChild(fragment(data.intro, siteRoot));
          box.appendChild(intro);
        }
        if (data.part) {
          var part = el("h3", "practice__part");
          part.appendChild(fragment(data.part, siteRoot));
          box.appendChild(part);
        }
        var reveal = button("Show answer", "md-button--primary practice__reveal", "data-practice-reveal");
        box.appendChild(reveal);
        var answer = el("div", "practice__answer");
        answer.setAttribute("data-practice-answer", "");
        answer.hidden = true;
        answer.appendChild(fragment(data.answer, siteRoot));
        box.appendChild(answer);
        var marks = el("div", "practice__marks");
        marks.hidden = true;
        var knew = button("Knew it", "md-button--primary", "data-practice-knew");
        var again = button("Again", "", "data-practice-again");
        marks.appendChild(knew);
        marks.appendChild(again);
        box.appendChild(marks);
        body.appendChild(box);
        typeset(box);

        reveal.addEventListener("click", function () {
          reveal.hidden = true;
          answer.hidden = false;
          marks.hidden = false;
          knew.focus();
          typeset(answer);
        });
        knew.addEventListener("click", function () { mark(data.id, "knew"); });
        again.addEventListener("click", function () { mark(data.id, "again"); });
        if (document.activeElement === document.body || body.contains(document.activeElement) ||
            !document.activeElement) reveal.focus({ preventScroll: true });
      }

      function mark(id, how) {
        var marks = load(MARKS, {});
        marks[id] = how;
        save(MARKS, marks);
        state.results[id] = how;
        state.at += 1;
        save(key, state);
        render();
        var next = body.querySelector("[data-practice-reveal], [data-practice-restart]");
        if (next) next.focus({ preventScroll: true });
      }

      function summary() {
        var c = counts();
        setStatus("Done: you knew " + c.knew + " of " + state.order.length + ".");
        var box = el("section", "practice__summary");
        box.setAttribute("data-practice-summary", "");
        box.appendChild(el("h3", null, "You knew " + c.knew + " of " + state.order.length +
          (c.again ? "; " + c.again + " to see again" : "") + "."));
        var again = state.order.filter(function (id) { return state.results[id] === "again"; });
        if (again.length) {
          box.appendChild(el("p", null, "These come first next time:"));
          var list = el("ul", "practice__again");
          again.forEach(function (id) {
            var data = byId.get(id);
            var li = el("li");
            var a = el("a");
            a.href = safeUrl(id, siteRoot);
            a.appendChild(fragment(data.title, siteRoot));
            if (data.part) {
              a.appendChild(document.createTextNode(" — "));
              a.appendChild(fragment(data.part, siteRoot));
            }
            li.appendChild(a);
            list.appendChild(li);
          });
          box.appendChild(list);
        }
        var restart = button("Practise again", "md-button--primary", "data-practice-restart");
        restart.addEventListener("click", function () {
          state = fresh();
          save(key, state);
          render();
          var reveal = body.querySelector("[data-practice-reveal]");
          if (reveal) reveal.focus({ preventScroll: true });
        });
        box.appendChild(restart);
        var all = el("a", "md-button", "Practise something else");
        all.href = here.href;
        box.appendChild(all);
        body.appendChild(box);
        typeset(box);
      }
    }

    return { unmount: function () { mounted = false; } };
  }

  // ---- "Practise these" on the search page: the parts and questions found, as a practice session

  function offerFromSearch(find) {
    if (find.__kbPractise) return;
    find.__kbPractise = true;
    var siteRoot = new URL("../", location.href.split(/[?#]/)[0]).href; // /find/ is under the site root
    var offer = el("p", "practice__offer");
    offer.hidden = true;
    var link = el("a", "md-button", "");
    link.setAttribute("data-practise-these", "");
    offer.appendChild(link);
    var status = find.querySelector("#find-status");
    (status ? status.parentNode : find).insertBefore(offer, status ? status.nextSibling : null);
    find.addEventListener("find:rendered", function () {
      var ids = [];
      find.querySelectorAll("a[data-find-hit]").forEach(function (a) {
        var kind = a.getAttribute("data-find-hit");
        if (kind === "concept" || !a.href || a.href.indexOf(siteRoot) !== 0) return;
        var url = new URL(a.href);
        var path = url.href.slice(siteRoot.length).split(/[?#]/)[0];
        if (!/^questions\/[^/]+\/[^/]+\/$/.test(path)) return;
        var id = kind === "part" && /^#part-/.test(url.hash) ? path + url.hash : path;
        if (ids.indexOf(id) < 0) ids.push(id);
      });
      offer.hidden = !ids.length;
      link.textContent = "Practise these (" + ids.length + ")";
      link.href = siteRoot + "practice/?" + new URLSearchParams([["cards", ids.join(",")]]).toString();
    });
  }
})();
