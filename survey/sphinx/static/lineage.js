/* Lineage graphs: an edge's "what changed" text in a tooltip on hover or focus, a paper's arrows
 * lit while the pointer is on it, zoom buttons for a graph wider than the page, and the timeline's
 * topic filter. No dependencies. */
(function () {
  "use strict";
  var tip = null;
  function hideTip() { if (tip) { tip.remove(); tip = null; } }
  function showTip(edge, event) {
    var title = edge.querySelector("title");
    if (!title) { return; }
    hideTip();
    tip = document.createElement("div");
    tip.className = "lineage-tip";
    tip.setAttribute("role", "tooltip");
    tip.textContent = title.textContent;
    document.body.appendChild(tip);
    var x = event.pageX, y = event.pageY;
    if (x === undefined) { var r = edge.getBoundingClientRect(); x = r.left + window.scrollX + r.width / 2; y = r.top + window.scrollY; }
    tip.style.left = Math.max(4, x + 12) + "px";
    tip.style.top = (y + 14) + "px";
  }
  function light(svg, key, on) {
    svg.querySelectorAll(".lineage-edge").forEach(function (edge) {
      if (edge.dataset.from === key || edge.dataset.to === key) { edge.classList.toggle("lineage-lit", on); }
    });
  }
  function setupTimeline(box) {
    var svg = box.querySelector("svg.lineage-svg");
    var boxes = Array.prototype.slice.call(box.querySelectorAll(".lineage-filter input[type=checkbox]"));
    function apply() {
      var on = {};
      boxes.forEach(function (b) { on[b.value] = b.checked; });
      function shown(el) {
        var topics = (el.dataset.topics || "").split(" ").filter(Boolean);
        return topics.length === 0 || topics.some(function (t) { return on[t]; });
      }
      var visible = {};
      svg.querySelectorAll(".lineage-node").forEach(function (node) {
        var ok = shown(node);
        visible[node.dataset.key] = ok;
        node.classList.toggle("lineage-hidden", !ok);
      });
      svg.querySelectorAll(".lineage-edge").forEach(function (edge) {
        edge.classList.toggle("lineage-hidden", !(visible[edge.dataset.from] && visible[edge.dataset.to]));
      });
      box.querySelectorAll(".lineage-list li[data-topics]").forEach(function (item) { item.hidden = !shown(item); });
    }
    boxes.forEach(function (b) { b.addEventListener("change", apply); });
    box.querySelector(".lineage-all").addEventListener("click", function () { boxes.forEach(function (b) { b.checked = true; }); apply(); });
    box.querySelector(".lineage-none").addEventListener("click", function () { boxes.forEach(function (b) { b.checked = false; }); apply(); });
  }
  function button(text, label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.addEventListener("click", onClick);
    return b;
  }
  function setupZoom(scroll) {
    // A graph wider than the column scrolls sideways; these buttons shrink it to an overview or
    // enlarge it again (the drawing scales through its viewBox).
    var svg = scroll.querySelector("svg.lineage-svg");
    if (!svg) { return; }
    var width = parseFloat(svg.getAttribute("width")), height = parseFloat(svg.getAttribute("height"));
    if (!(width > scroll.clientWidth + 1)) { return; }
    var scale = 1, shown = document.createElement("span");
    function fit() { return Math.min(1, scroll.clientWidth / width); }
    function set(value) {
      scale = Math.max(fit(), Math.min(2, value));
      svg.setAttribute("width", String(width * scale));
      svg.setAttribute("height", String(height * scale));
      shown.textContent = Math.round(scale * 100) + "%";
    }
    var bar = document.createElement("div");
    bar.className = "lineage-zoom";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Zoom the graph");
    bar.appendChild(button("\u2212", "Zoom out", function () { set(scale / 1.25); }));
    bar.appendChild(shown);
    bar.appendChild(button("+", "Zoom in", function () { set(scale * 1.25); }));
    bar.appendChild(button("Fit width", "Shrink the graph to the page width", function () { set(fit()); }));
    bar.appendChild(button("Actual size", "Show the graph at its actual size", function () { set(1); }));
    scroll.parentNode.insertBefore(bar, scroll);
    set(1);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".lineage-scroll").forEach(setupZoom);
    document.querySelectorAll("svg.lineage-svg").forEach(function (svg) {
      svg.querySelectorAll(".lineage-edge").forEach(function (edge) {
        edge.addEventListener("mouseenter", function (event) { showTip(edge, event); });
        edge.addEventListener("mousemove", function (event) {
          if (tip) { tip.style.left = (event.pageX + 12) + "px"; tip.style.top = (event.pageY + 14) + "px"; }
        });
        edge.addEventListener("mouseleave", hideTip);
      });
      svg.querySelectorAll(".lineage-node").forEach(function (node) {
        node.addEventListener("mouseenter", function () { light(svg, node.dataset.key, true); });
        node.addEventListener("mouseleave", function () { light(svg, node.dataset.key, false); });
        node.addEventListener("focus", function () { light(svg, node.dataset.key, true); });
        node.addEventListener("blur", function () { light(svg, node.dataset.key, false); });
      });
    });
    document.querySelectorAll(".lineage-timeline").forEach(setupTimeline);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideTip(); } });
  });
})();
