/* survey site: results tables — sort by any column, filter rows, reveal each number's source.
 * Plain JavaScript, no dependencies, works offline; without it, tables and number titles still work. */
(function () {
  "use strict";

  function cellValue(row, column) {
    var cell = row.cells[column];
    if (!cell) { return null; }
    var value = cell.querySelector("[data-value]");
    if (value) { return Number(value.getAttribute("data-value")); }
    var text = cell.textContent.replace("\u2021", "").trim();
    if (text === "" || text === "\u2013") { return null; }
    var number = Number(text);
    return isNaN(number) ? text.toLowerCase() : number;
  }

  function setupTable(table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var heads = table.tHead ? Array.prototype.slice.call(table.tHead.rows[0].cells) : [];
    var sorted = /(?:^|\s)results-sorted-(\d+)-(asc|desc)(?:\s|$)/.exec(table.className);
    heads.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "results-sort";
      button.textContent = th.textContent.trim();
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", sorted && Number(sorted[1]) === column ? (sorted[2] === "asc" ? "ascending" : "descending") : "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = cellValue(a, column), y = cellValue(b, column);
          if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }  /* unknown: always last */
          var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });

    var controls = document.createElement("div");
    controls.className = "results-controls";
    var label = document.createElement("label");
    label.textContent = "Filter ";
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "results-filter";
    filter.placeholder = "model, paper, setting…";
    label.appendChild(filter);
    controls.appendChild(label);
    var only = null;
    if (body.querySelector("tr.results-offref")) {
      var box = document.createElement("label");
      only = document.createElement("input");
      only.type = "checkbox";
      only.className = "results-reference-only";
      box.appendChild(only);
      box.appendChild(document.createTextNode(" reference setting only"));
      controls.appendChild(box);
    }
    var count = document.createElement("span");
    count.className = "results-count";
    count.setAttribute("aria-live", "polite");
    controls.appendChild(count);
    (table.closest(".table-wrapper") || table).insertAdjacentElement("beforebegin", controls);
    rows.forEach(function (row) { row.dataset.text = row.textContent.toLowerCase(); });
    function apply() {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var ok = words.every(function (w) { return row.dataset.text.indexOf(w) >= 0; }) &&
          !(only && only.checked && row.classList.contains("results-offref"));
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + (rows.length === 1 ? " result" : " results");
    }
    filter.addEventListener("input", apply);
    if (only) { only.addEventListener("change", apply); }
    apply();
  }

  /* ---- sources of numbers ------------------------------------------------------------------ */
  var open = null;
  function close() {
    if (!open) { return; }
    open.setAttribute("aria-expanded", "false");
    var source = document.getElementById(open.getAttribute("aria-controls"));
    if (source) { source.hidden = true; }
    open = null;
  }
  function toggle(button) {
    var was = open === button;
    close();
    if (was) { return; }
    var source = document.getElementById(button.getAttribute("aria-controls"));
    if (!source) { return; }
    source.hidden = false;
    button.setAttribute("aria-expanded", "true");
    open = button;
    place();
  }
  function place() {  /* fixed under its number: a table's scroll box would otherwise clip it */
    if (!open) { return; }
    var source = document.getElementById(open.getAttribute("aria-controls"));
    var box = open.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    source.style.position = "fixed";
    source.style.top = (box.bottom + 4) + "px";
    source.style.left = Math.max(8, Math.min(box.left, width - source.offsetWidth - 8)) + "px";
  }
  window.addEventListener("scroll", place, true);
  window.addEventListener("resize", place);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.results-table").forEach(setupTable);
    document.querySelectorAll("button.results-value").forEach(function (button) {
      button.removeAttribute("title");  /* the popover says it; a native tooltip would cover it */
      button.addEventListener("click", function (event) { event.stopPropagation(); toggle(button); });
    });
    document.addEventListener("click", function (event) {
      if (open && !(event.target.closest && event.target.closest(".results-source"))) { close(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && open) { var was = open; close(); was.focus(); }
    });
  });
})();
