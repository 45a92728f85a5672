// Draw every <figure class="chart"> with vega-embed: its spec (data inlined by the server) is the JSON
// script named by data-spec. A click on a mark with a link follows it in this tab.
(function () {
  "use strict";
  window.plankgViews = {};
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
  window.plankgCharts = Promise.all(figures.map(function (figure) {
    var spec = JSON.parse(document.getElementById(figure.dataset.spec).textContent);
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
