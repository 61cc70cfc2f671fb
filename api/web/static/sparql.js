// The SPARQL page: examples load into the editor and run; results come from /sparql as a table.
// Without JavaScript the same form posts to /sparql-ui, which renders the table on the server.
"use strict";
(function () {
  var form, textarea, results, texts;

  function el(name, text, attrs) {
    var node = document.createElement(name);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  var ID_BASE = "https://w3id.org/jixiao/id/";

  function localLink(iri) {
    if (iri.indexOf(ID_BASE) !== 0) return null;
    var rest = iri.slice(ID_BASE.length), lang = document.documentElement.lang === "en" ? "?lang=en" : "";
    if (/^project\/[^/]+\/[^/]+$/.test(rest)) return "/projects/" + rest.slice(8) + lang;
    if (/^org\/unit\/[^/]+$/.test(rest)) return "/units/" + rest.slice(9) + lang;
    return "/id/" + rest;
  }

  function show(nodes) {
    results.replaceChildren.apply(results, nodes);
  }

  function table(doc) {
    var vars = doc.head.vars || [], rows = doc.results.bindings || [];
    var info = el("p", form.dataset.rows.replace("{n}", rows.length), { "class": "muted" });
    var tbl = el("table", null, { "class": "results sortable" });
    var head = tbl.createTHead().insertRow();
    vars.forEach(function (v) { head.appendChild(el("th", v)); });
    var body = tbl.createTBody();
    rows.forEach(function (binding) {
      var tr = body.insertRow();
      vars.forEach(function (v) {
        var td = tr.insertCell(), cell = binding[v];
        if (!cell) return;
        var href = cell.type === "uri" ? localLink(cell.value) : null;
        var text = href && cell.value.indexOf(ID_BASE) === 0 ? cell.value.slice(ID_BASE.length) : cell.value;
        td.appendChild(href ? el("a", text, { href: href, title: cell.value }) : document.createTextNode(text));
        if (cell.datatype) td.title = cell.datatype;
      });
    });
    if (window.jixiaoSortable) window.jixiaoSortable(tbl);
    return [info, tbl];
  }

  function run() {
    show([el("p", form.dataset.running, { "class": "muted" })]);
    var body = new URLSearchParams();
    body.set("query", textarea.value);
    fetch(form.dataset.endpoint, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (!response.ok) {
        return response.json().then(function (e) {
          show([el("p", (e.error && e.error.message) || response.statusText, { "class": "error" })]);
        }, function () { show([el("p", response.status + " " + response.statusText, { "class": "error" })]); });
      }
      if (type.indexOf("json") >= 0) {
        return response.json().then(function (doc) {
          if (typeof doc.boolean === "boolean") show([el("p", String(doc.boolean), { "class": "boolean" })]);
          else show(table(doc));
        });
      }
      return response.text().then(function (text) { show([el("pre", text, { "class": "graph" })]); });
    }).catch(function (error) { show([el("p", String(error), { "class": "error" })]); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("sparql-form");
    textarea = document.getElementById("query");
    results = document.getElementById("results");
    texts = JSON.parse(document.getElementById("example-texts").textContent);
    var summary = document.getElementById("query-summary");
    var redraw = window.jixiaoHighlight
      ? window.jixiaoHighlight.attach(textarea, document.getElementById("query-highlight"),
                                      document.getElementById("code-wrap"))
      : function () {};
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "format") return; // downloads go to the server
      event.preventDefault();
      run();
    });
    document.querySelectorAll("a.example").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var name = link.dataset.name;
        if (!(name in texts)) return;
        event.preventDefault();
        textarea.value = texts[name];
        redraw();
        summary.textContent = link.dataset.summary || "";
        summary.hidden = !summary.textContent;
        document.querySelectorAll("a.example[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
        link.setAttribute("aria-current", "true");
        run();
      });
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    });
  });
})();
