// The query page: YASGUI on this server's /sparql, with the canned questions as one-click examples.
(function () {
  "use strict";
  var endpoint = window.PLANKG_ENDPOINT;
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,            // start clean: no state from earlier visits
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: {
      autocompleters: ["variables"], // the class and property completers call an outside service (LOV)
      prefixCcApi: null,             // and so does the prefix completer
      value: examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    },
    yasr: { defaultPlugin: "table", pluginOrder: ["table", "response"] }
  });
  function run(example) {
    var tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(example.query);
    tab.query();
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = examples.find(function (e) { return e.name === button.dataset.name; });
      if (example) run(example);
    });
  });
  window.plankgYasgui = yasgui;
})();
