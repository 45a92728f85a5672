// Draw every <figure class="chart"> with vega-embed: its spec (data inlined by the server) is the JSON
// script named by data-spec. A click on a mark with a link follows it in this tab.
(function () {
  "use strict";
  window.plankgViews = {};
  // On a narrow screen (a phone) a chart takes the width of its figure instead of its own, its legend
  // goes below it and a wrapped facet becomes one column, so nothing is cut off at the right.
  function fit(spec, width) {
    if (width >= 720) return spec;
    if (spec.$schema.indexOf("/vega/") >= 0) {   // the network: a narrower canvas, its layout centred on it
      if (typeof spec.width === "number" && spec.width > width - 24) spec.width = width - 24;
      (spec.legends || []).forEach(function (legend) { legend.orient = "bottom"; legend.direction = "vertical"; });
      return spec;
    }
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({}, spec.config.legend, { orient: "bottom", direction: "vertical" });
    if (spec.facet && spec.columns) spec.columns = 1;
    if (spec.mark || spec.layer) {
      spec.width = "container";
      spec.autosize = { type: "fit-x", contains: "padding" };
    }
    return spec;
  }
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
  window.plankgCharts = Promise.all(figures.map(function (figure) {
    var spec = fit(JSON.parse(document.getElementById(figure.dataset.spec).textContent), figure.clientWidth);
    var options = { renderer: "svg", loader: vega.loader({ target: "_self" }), tooltip: true,
                    actions: { export: true, source: false, compiled: false, editor: false } };
    return vegaEmbed(figure.querySelector(".view"), spec, options).then(function (result) {
      window.plankgViews[figure.dataset.name] = result.view;
      figure.classList.add("drawn");
    }, function (error) {
      figure.classList.add("failed");
      figure.querySelector(".view").textContent = "The chart could not be drawn: " + error;
    });
  }));
})();
