/* Lineage graphs: an edge's "what changed" text in a tooltip on hover or focus, a paper's arrows
 * lit while the pointer is on it, and the timeline's topic filter. No dependencies. */
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
  document.addEventListener("DOMContentLoaded", function () {
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
