// SPARQL syntax colours for the editor: a <pre> under a textarea whose own text is transparent.
// One pass of one regular expression; every token becomes a text node (never HTML), so a
// query can show nothing but its own characters.
"use strict";
(function () {
  var KEYWORDS = ("select construct ask describe where prefix base from named filter optional union " +
    "minus graph service silent bind values group by order having limit offset distinct reduced as " +
    "not exists in asc desc count sum min max avg sample group_concat separator if coalesce bound " +
    "str lang langmatches datatype iri uri bnode strlen substr ucase lcase contains strstarts strends " +
    "regex replace concat abs round ceil floor year month day now isiri isuri isblank isliteral " +
    "isnumeric sameterm undef true false a").split(" ");
  var IS_KEYWORD = {};
  KEYWORDS.forEach(function (k) { IS_KEYWORD[k] = true; });

  // comment | IRI | long string | short string | variable | prefixed name | word
  var TOKEN = new RegExp([
    "(#[^\\n]*)",
    "(<[^<>\"{}|^`\\\\\\s]*>)",
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?''')",
    "(\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')",
    "([?$][\\w\\u00b7\\u00c0-\\uffff]+)",
    "((?:[A-Za-z][\\w.-]*)?:[\\w\\u00c0-\\uffff.-]*)",
    "([A-Za-z_]\\w*)"
  ].join("|"), "g");
  var CLASSES = [null, "tok-comment", "tok-iri", "tok-string", "tok-string", "tok-var", "tok-pname", "tok-kw"];

  function span(cls, text) {
    var node = document.createElement("span");
    node.className = cls;
    node.textContent = text;
    return node;
  }

  function highlight(text) {
    var out = document.createDocumentFragment(), last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m.index > last) out.appendChild(document.createTextNode(text.slice(last, m.index)));
      var group = 1;
      while (m[group] === undefined) group++;
      var isWord = group === 7;
      if (isWord && !IS_KEYWORD[m[0].toLowerCase()]) out.appendChild(document.createTextNode(m[0]));
      else out.appendChild(span(CLASSES[group], m[0]));
      last = TOKEN.lastIndex;
    }
    if (last < text.length) out.appendChild(document.createTextNode(text.slice(last)));
    out.appendChild(document.createTextNode("\n")); // a trailing newline keeps the last line's height
    return out;
  }

  function attach(textarea, pre, wrap) {
    function draw() {
      pre.replaceChildren(highlight(textarea.value));
      pre.scrollTop = textarea.scrollTop;
      pre.scrollLeft = textarea.scrollLeft;
    }
    textarea.addEventListener("input", draw);
    textarea.addEventListener("scroll", function () {
      pre.scrollTop = textarea.scrollTop;
      pre.scrollLeft = textarea.scrollLeft;
    });
    wrap.classList.add("highlighting"); // only now is the textarea's own text transparent
    draw();
    return draw;
  }

  window.jixiaoHighlight = { highlight: highlight, attach: attach };
})();
