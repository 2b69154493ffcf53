/* survey site: hover previews on citations, copy-BibTeX buttons, the sortable/filterable paper
 * index. Plain JavaScript, no dependencies, works offline. */
(function () {
  "use strict";

  function citeKey(link) {
    var href = link.getAttribute("href") || "";
    var at = href.indexOf("#cite-");
    return at < 0 ? null : decodeURIComponent(href.slice(at + 6));
  }

  /* ---- hover previews ---------------------------------------------------------------- */
  var card = null;
  function hidePreview() { if (card) { card.remove(); card = null; } }
  function showPreview(link) {
    var papers = window.SURVEY_PAPERS || {};
    var paper = papers[citeKey(link)];
    if (!paper) { return; }
    hidePreview();
    card = document.createElement("div");
    card.className = "survey-preview";
    card.setAttribute("role", "tooltip");
    var title = document.createElement("div");
    title.className = "survey-preview-title";
    title.textContent = paper.t;
    var authors = document.createElement("div");
    authors.className = "survey-preview-authors";
    authors.textContent = paper.a.join(", ") + (paper.x ? " et al." : "");
    var venue = document.createElement("div");
    venue.className = "survey-preview-venue";
    venue.textContent = (paper.v || "arXiv preprint") + ", " + paper.y;
    card.appendChild(title); card.appendChild(authors); card.appendChild(venue);
    document.body.appendChild(card);
    var box = link.getBoundingClientRect();
    var top = window.scrollY + box.bottom + 6;
    var left = Math.max(8, Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - card.offsetWidth - 8));
    card.style.top = top + "px";
    card.style.left = left + "px";
  }

  /* ---- copy BibTeX --------------------------------------------------------------------- */
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "absolute"; area.style.left = "-9999px";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    area.remove();
  }

  /* ---- paper index --------------------------------------------------------------------- */
  function setupIndex(table) {
    var body = table.tBodies[0];
    var filter = document.getElementById("survey-filter");
    var topic = document.getElementById("survey-topic");
    var count = document.getElementById("survey-count");
    var rows = Array.prototype.slice.call(body.rows);
    var labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    rows.forEach(function (row) {  /* each cell names its column: phones show rows as labelled cards */
      Array.prototype.forEach.call(row.cells, function (cell, i) { if (labels[i]) { cell.dataset.label = labels[i]; } });
    });
    rows.forEach(function (row) {  /* cells abbreviate: their titles hold the full text, matched too */
      var titles = Array.prototype.map.call(row.querySelectorAll("[title]"), function (cell) { return cell.title; });
      row.dataset.text = (row.textContent + " " + titles.join(" ")).toLowerCase();
    });

    function apply() {
      var words = (filter.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = topic.value;
      var shown = 0;
      rows.forEach(function (row) {
        var ok = words.every(function (w) { return row.dataset.text.indexOf(w) >= 0; }) &&
          (!wanted || (" " + row.dataset.topics + " ").indexOf(" " + wanted + " ") >= 0);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + (shown === 1 ? " paper" : " papers");
    }
    filter.addEventListener("input", apply);
    topic.addEventListener("change", apply);

    function cellValue(row, column) {
      var cell = row.cells[column];
      var raw = cell.getAttribute("data-sort");
      return raw !== null ? raw : cell.textContent.trim().toLowerCase();
    }
    table.querySelectorAll("button.survey-sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var column = Number(button.dataset.column);
        var th = button.parentElement;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = cellValue(a, column), y = cellValue(b, column);
          var nx = Number(x), ny = Number(y);
          var order = (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('a[href*="#cite-"]').forEach(function (link) {
      link.addEventListener("mouseenter", function () { showPreview(link); });
      link.addEventListener("focus", function () { showPreview(link); });
      link.addEventListener("mouseleave", hidePreview);
      link.addEventListener("blur", hidePreview);
    });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hidePreview(); } });
    document.querySelectorAll("button.survey-copy-bibtex").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById("bibtex-" + button.dataset.key);
        copyText(source.textContent, function () {
          button.textContent = "Copied!";
          button.classList.add("survey-copied");
          setTimeout(function () { button.textContent = "Copy BibTeX"; button.classList.remove("survey-copied"); }, 1500);
        });
      });
    });
    var table = document.getElementById("survey-paper-index");
    if (table) { setupIndex(table); }
  });
})();
