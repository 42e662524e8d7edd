// The catalog page's behaviour: neighbours on click, search, impact. Everything it needs is in #catalog-data.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("catalog-data").textContent);
  var svg = document.getElementById("graph");
  var nodeById = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function clearFocus() {
    svg.classList.remove("focused");
    svg.querySelectorAll(".node, .edge").forEach(function (e) { e.classList.remove("selected", "neighbour", "dim", "lit"); });
  }

  // Lights up the given nodes (and the edges between lit nodes and the focus), dims the rest.
  function focusOn(ids, selected) {
    clearFocus();
    svg.classList.add("focused");
    svg.querySelectorAll(".node").forEach(function (g) {
      var id = g.getAttribute("data-id");
      if (id === selected) g.classList.add("selected");
      else if (ids.indexOf(id) >= 0) g.classList.add("neighbour");
      else g.classList.add("dim");
    });
    svg.querySelectorAll(".edge").forEach(function (p) {
      var from = p.getAttribute("data-from"), to = p.getAttribute("data-to");
      var on = (from === selected || ids.indexOf(from) >= 0) && (to === selected || ids.indexOf(to) >= 0);
      p.classList.add(on ? "lit" : "dim");
    });
  }

  function showNode(id) {
    var node = nodeById[id];
    var neighbours = data.neighbours[id] || [];
    focusOn(neighbours, id);
    var info = document.getElementById("node-info");
    info.hidden = false;
    document.getElementById("node-info-title").textContent = node.name;
    document.getElementById("node-info-kind").textContent = node.kind + ", " + neighbours.length + " neighbour" + (neighbours.length === 1 ? "" : "s");
    var list = document.getElementById("node-neighbours");
    list.textContent = "";
    neighbours.forEach(function (n) {
      var li = el("li", nodeById[n].kind + " " + nodeById[n].name);
      li.setAttribute("data-id", n);
      list.appendChild(li);
    });
  }

  svg.querySelectorAll(".node").forEach(function (g) {
    g.addEventListener("click", function (ev) { ev.stopPropagation(); showNode(g.getAttribute("data-id")); });
    g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") showNode(g.getAttribute("data-id")); });
  });
  svg.addEventListener("click", function () { clearFocus(); document.getElementById("node-info").hidden = true; });

  // Search: name, owner, APIs and secrets of each integration (data-search), in the table and the sections.
  var search = document.getElementById("search");
  search.addEventListener("input", function () {
    var words = search.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var shown = 0;
    document.querySelectorAll("#integrations-table tbody tr, section.integration").forEach(function (row) {
      var text = row.getAttribute("data-search");
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.classList.toggle("hidden", !match);
      if (match && row.tagName === "TR") shown++;
    });
    document.getElementById("no-match").hidden = shown > 0;
  });

  // Impact: every integration, schedule and field depending on the chosen API or secret.
  var target = document.getElementById("impact-target");
  function showImpact() {
    var result = document.getElementById("impact-result");
    var impact = data.impacts[target.value];
    if (!impact) { result.hidden = true; clearFocus(); return; }
    result.hidden = false;
    var integrations = document.getElementById("impact-integrations");
    integrations.textContent = "";
    impact.integrations.forEach(function (d) {
      var li = el("li");
      li.setAttribute("data-integration", d.integration);
      li.appendChild(el("strong", d.integration));
      li.appendChild(document.createTextNode(" (" + (d.owner || "no owner") + "): "));
      li.appendChild(el("span", d.how.join("; "), "how"));
      integrations.appendChild(li);
    });
    if (impact.integrations.length === 0) integrations.appendChild(el("li", "none"));
    var schedules = document.getElementById("impact-schedules");
    schedules.textContent = "";
    impact.schedules.forEach(function (s) {
      var li = el("li");
      li.setAttribute("data-integration", s.integration);
      li.appendChild(el("strong", s.integration));
      li.appendChild(document.createTextNode(" " + s.expression + (s.name ? " (" + s.name + ")" : " (not in the template)") + ": "));
      li.appendChild(el("span", s.how.join("; "), "how"));
      schedules.appendChild(li);
    });
    if (impact.schedules.length === 0) schedules.appendChild(el("li", "none"));
    var fields = document.querySelector("#impact-fields tbody");
    fields.textContent = "";
    impact.fields.forEach(function (f) {
      var tr = el("tr");
      tr.appendChild(el("td", f.integration));
      tr.appendChild(el("td", f.field));
      tr.appendChild(el("td", f.how.join("; ")));
      fields.appendChild(tr);
    });
    var lit = impact.integrations.map(function (d) { return "integration:" + d.integration; })
      .concat(impact.apis.map(function (a) { return "api:" + a; }));
    focusOn(lit, target.value);
  }
  target.addEventListener("change", function () {
    history.replaceState(null, "", target.value ? "#impact=" + encodeURIComponent(target.value) : "#");
    showImpact();
  });
  // A link can open the page on one impact answer: index.html#impact=api:billing
  var linked = /^#impact=(.+)$/.exec(location.hash);
  if (linked && data.impacts[decodeURIComponent(linked[1])]) target.value = decodeURIComponent(linked[1]);
  if (target.value) showImpact();
}());
