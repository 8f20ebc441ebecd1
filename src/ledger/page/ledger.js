(function () {
  "use strict";
  // Everything shown comes from the JSON block below the page's markup; it is only ever put in the page as
  // text (textContent, createTextNode, SVG attributes set to numbers), never parsed as HTML.
  var data = JSON.parse(document.getElementById("ledger-data").textContent);
  // The chart's <svg> is in the page's markup: its namespace comes from there.
  var chart = document.getElementById("end-chart");
  var SVG = chart.namespaceURI;
  var riskLabels = {};
  data.risks.forEach(function (r) { riskLabels[r.code] = r.label; });

  function el(name, cls, text) {
    var e = document.createElement(name);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function svg(name, attrs) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }

  // ---- The chart: active GDAP relationships by the month they end, stacked by auto-extend. ----
  function drawChart() {
    var months = data.months;
    if (!months.length) {
      chart.parentNode.appendChild(el("p", "meta", "No active GDAP relationship has an end date."));
      chart.parentNode.removeChild(chart);
      return;
    }
    var max = 1;
    months.forEach(function (m) { max = Math.max(max, m.a + m.n); });
    var barW = 22, gap = 6, left = 36, top = 8, plotH = 120, bottom = 22;
    var width = left + months.length * (barW + gap) + 10;
    chart.setAttribute("width", String(width));
    chart.setAttribute("height", String(top + plotH + bottom));
    var ticks = [0, Math.ceil(max / 2), max];
    ticks.forEach(function (t) {
      var y = top + plotH - (t / max) * plotH;
      chart.appendChild(svg("line", { x1: left - 4, x2: width - 6, y1: y, y2: y, stroke: "#d1d9e0" }));
      var label = svg("text", { x: left - 6, y: y + 3, "text-anchor": "end" });
      label.textContent = String(t);
      chart.appendChild(label);
    });
    months.forEach(function (m, i) {
      var x = left + i * (barW + gap);
      var hNo = (m.n / max) * plotH, hAuto = (m.a / max) * plotH;
      var yNo = top + plotH - hNo;
      var g = svg("g", { "class": "month", "data-month": m.m });
      var title = svg("title", {});
      title.textContent = m.m + ": " + (m.a + m.n) + " ending (" + m.n + " without auto-extend, " + m.a + " with)";
      g.appendChild(title);
      if (m.n > 0) {
        g.appendChild(svg("rect", { "class": "bar bar-noauto", x: x, y: yNo, width: barW, height: Math.max(hNo, 1) }));
      }
      if (m.a > 0) {
        g.appendChild(svg("rect", { "class": "bar bar-auto", x: x, y: yNo - hAuto, width: barW, height: Math.max(hAuto, 1) }));
      }
      if (months.length <= 18 || i % 3 === 0) {
        var t = svg("text", { x: x + barW / 2, y: top + plotH + 14, "text-anchor": "middle" });
        t.textContent = m.m.slice(2);
        g.appendChild(t);
      }
      chart.appendChild(g);
    });
  }

  // ---- The table. ----
  var columns = [
    { key: "n", title: "Customer", type: "text" },
    { key: "r", title: "Risks", type: "risks", cls: "risks" },
    { key: "d", title: "DAP", type: "text" },
    { key: "s", title: "Last sign-in", type: "text" },
    { key: "ga", title: "Active GDAP", type: "num" },
    { key: "gt", title: "All GDAP", type: "num" },
    { key: "e", title: "Next GDAP end", type: "text", cls: "nowrap" },
    { key: "x", title: "Global Admin", type: "bool" },
    { key: "g", title: "Security groups", type: "num" },
    { key: "l", title: "Lighthouse", type: "num" },
    { key: "m", title: "Managing tenants", type: "text" },
    { key: "t", title: "Tenant ID", type: "text", cls: "id" },
    { key: "p", title: "Access paths", type: "paths" }
  ];
  var state = { filter: "", risk: "", sort: "r", dir: "desc" };

  function readHash() {
    var h = window.location.hash.replace(/^#/, "");
    var params = new URLSearchParams(h);
    if (params.has("filter")) { state.filter = params.get("filter"); }
    if (params.has("risk")) { state.risk = params.get("risk"); }
    if (params.has("sort")) {
      var k = params.get("sort");
      if (columns.some(function (c) { return c.key === k && c.type !== "paths"; })) { state.sort = k; }
    }
    if (params.has("dir")) { state.dir = params.get("dir") === "asc" ? "asc" : "desc"; }
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (state.filter) { params.set("filter", state.filter); }
    if (state.risk) { params.set("risk", state.risk); }
    params.set("sort", state.sort);
    params.set("dir", state.dir);
    try { history.replaceState(null, "", "#" + params.toString()); } catch (e) { /* file: URLs may refuse */ }
  }

  function sortValue(row, col) {
    var v = row[col.key];
    if (col.type === "risks") { return v.length; }
    if (col.type === "bool") { return v ? 1 : 0; }
    if (col.type === "num") { return v; }
    return v === null || v === undefined ? "" : String(v).toLowerCase();
  }

  function matches(row) {
    if (state.risk === "any" && !row.r.length) { return false; }
    if (state.risk === "none" && row.r.length) { return false; }
    if (state.risk && state.risk !== "any" && state.risk !== "none" && row.r.indexOf(state.risk) < 0) { return false; }
    if (!state.filter) { return true; }
    var needle = state.filter.toLowerCase();
    var hay = [row.n, row.t, row.m, row.r.join(" ")].join(" ").toLowerCase();
    return hay.indexOf(needle) >= 0;
  }

  function cell(row, col) {
    var td = el("td", col.cls || (col.type === "num" ? "num" : ""));
    var v = row[col.key];
    if (col.type === "bool") {
      td.textContent = v ? "yes" : "";
      if (v) { td.className = "yes"; }
    } else if (col.type === "risks") {
      v.forEach(function (code) {
        var tag = el("span", "tag", code);
        tag.title = riskLabels[code] || code;
        td.appendChild(tag);
      });
    } else if (col.type === "paths") {
      if (v.length) {
        var details = el("details");
        details.appendChild(el("summary", null, v.length + (v.length === 1 ? " path" : " paths")));
        var ul = el("ul");
        v.forEach(function (p) {
          ul.appendChild(el("li", null, p.join(" \u2014 ")));
        });
        details.appendChild(ul);
        td.appendChild(details);
      }
    } else if (col.key === "e" && v) {
      td.textContent = v + (row.de !== null ? " (" + row.de + " d)" : "");
    } else if (col.key === "s") {
      td.textContent = v ? v : (row.d === "on" || row.d === "off" ? "never" : "");
    } else if (col.key === "d") {
      td.textContent = v === "on" ? "enabled" : v === "off" ? "disabled" : v === "unreadable" ? "unreadable" : "not listed";
      if (v === "on") { td.className = "dap-on"; }
    } else {
      td.textContent = v === null || v === undefined ? "" : String(v);
    }
    return td;
  }

  var tbody, headers = [], countEl;
  function render() {
    var rows = data.rows.filter(matches);
    var col = columns.filter(function (c) { return c.key === state.sort; })[0] || columns[0];
    var sign = state.dir === "asc" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = sortValue(a, col), y = sortValue(b, col);
      if (x < y) { return -sign; }
      if (x > y) { return sign; }
      return a.n.toLowerCase() < b.n.toLowerCase() ? -1 : 1;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (row) {
      var tr = el("tr", "row");
      tr.setAttribute("data-tenant", row.t);
      columns.forEach(function (c) { tr.appendChild(cell(row, c)); });
      frag.appendChild(tr);
    });
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    tbody.appendChild(frag);
    headers.forEach(function (h) {
      h.th.setAttribute("aria-sort", h.col.key === state.sort ? (state.dir === "asc" ? "ascending" : "descending") : "none");
    });
    countEl.textContent = "Showing " + rows.length + " of " + data.rows.length + " customers";
    document.body.setAttribute("data-shown", String(rows.length));
  }

  function buildTable() {
    var box = document.getElementById("table-box");
    var controls = el("div", "controls");
    var search = el("input");
    search.type = "search";
    search.id = "filter";
    search.placeholder = "Filter by name, tenant id, managing tenant or risk";
    search.value = state.filter;
    var select = el("select");
    select.id = "risk-filter";
    [["", "All customers"], ["any", "With any risk"], ["none", "Without risks"]].forEach(function (o) {
      var opt = el("option", null, o[1]);
      opt.value = o[0];
      select.appendChild(opt);
    });
    data.risks.forEach(function (r) {
      var opt = el("option", null, r.label + " (" + r.code + ")");
      opt.value = r.code;
      select.appendChild(opt);
    });
    select.value = state.risk;
    countEl = el("span");
    countEl.id = "count";
    controls.appendChild(search);
    controls.appendChild(select);
    controls.appendChild(countEl);
    box.appendChild(controls);

    var table = el("table", "ledger");
    table.id = "ledger-table";
    var thead = el("thead");
    var tr = el("tr");
    columns.forEach(function (c) {
      var th = el("th", null, c.title);
      th.scope = "col";
      if (c.type !== "paths") {
        th.tabIndex = 0;
        var sortBy = function () {
          if (state.sort === c.key) { state.dir = state.dir === "asc" ? "desc" : "asc"; }
          else { state.sort = c.key; state.dir = c.type === "text" ? "asc" : "desc"; }
          writeHash();
          render();
        };
        th.addEventListener("click", sortBy);
        th.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { sortBy(); } });
      }
      headers.push({ th: th, col: c });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead);
    tbody = el("tbody");
    table.appendChild(tbody);
    box.appendChild(table);

    search.addEventListener("input", function () { state.filter = search.value; writeHash(); render(); });
    select.addEventListener("change", function () { state.risk = select.value; writeHash(); render(); });
    window.addEventListener("hashchange", function () {
      readHash();
      search.value = state.filter;
      select.value = state.risk;
      render();
    });
  }

  readHash();
  drawChart();
  buildTable();
  render();
  document.body.setAttribute("data-ready", "true");
})();
