// The built-in search box and math. The index splits math at "^" (the search separator
// in mkdocs.yml), so \(QK^T\) is indexed as "qk" and "t". In a query, though, lunr reads
// "^" as a boost and "QK^T" fails to parse, finding nothing. So on its way to Material's
// search worker a term with "^" becomes its pieces, each required and matched exactly,
// leaving out one-character exponents, which would highlight every "t" or "2" on the page:
// "QK^T" is searched as "+QK".
(function () {
  const QUERY = 2; // SearchMessageType.QUERY in Material's search worker protocol
  function splitPowers(query) {
    return query.replace(/\S*\^\S*/g, function (term) {
      const pieces = term.split("^").filter(function (piece, i) { return i === 0 ? piece : piece.length > 1; });
      return pieces.map(function (piece) { return "+" + piece; }).join(" ");
    });
  }
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string" && message.data.includes("^")) {
      message = Object.assign({}, message, { data: splitPowers(message.data) });
    }
    return post.apply(this, [message].concat(Array.prototype.slice.call(arguments, 1)));
  };
})();

// Material's search overlay is a role="dialog" without a name; screen readers announce it as "Search".
(function () {
  const dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", "Search");
  }
})();
