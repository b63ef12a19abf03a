/* Charts drawn from data in the page: <canvas data-chart="ID"> reads the JSON of
 * {{ chart|json_script:"ID" }} — {type, labels, datasets: [{label, data, ...}], options} —
 * so that no inline script is needed (the content security policy allows none). Every chart
 * has the same numbers in a table beside it; the canvas is a picture of that table. */
(function () {
  "use strict";
  var palette = ["#1f4e79", "#b35c00", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#5d4037", "#546e7a", "#ad1457"];

  function draw(canvas) {
    if (canvas.dataset.chartDrawn || typeof window.Chart === "undefined") return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    (spec.datasets || []).forEach(function (set, i) {
      var colour = set.color || palette[i % palette.length];
      if (!set.borderColor) set.borderColor = colour;
      if (!set.backgroundColor) set.backgroundColor = set.fill === false || spec.type === "line" ? colour : colour + "cc";
    });
    var options = Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
      },
      spec.options || {}
    );
    canvas.dataset.chartDrawn = "1";
    // A canvas does not make the browser fetch the Chinese glyphs of a web font: ask for
    // those of the labels first, or they are drawn as empty boxes.
    var text = [].concat(spec.labels || [], (spec.datasets || []).map(function (d) { return d.label || ""; })).join("");
    var ready = document.fonts && document.fonts.load ? document.fonts.load('12px "Noto Sans TC"', text) : Promise.resolve();
    ready.catch(function () {}).then(function () { create(canvas, spec, options); });
  }

  function create(canvas, spec, options) {
    new window.Chart(canvas, { type: spec.type || "bar", data: { labels: spec.labels, datasets: spec.datasets }, options: options });
  }

  function drawAll(root) {
    if (typeof window.Chart !== "undefined") {
      window.Chart.defaults.font.family = '"Noto Sans TC", system-ui, sans-serif';
    }
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
