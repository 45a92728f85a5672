// The query page: YASGUI on this server's /sparql, with the canned questions as one-click examples.
(function () {
  "use strict";
  var endpoint = window.PLANKG_ENDPOINT;
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var PLAN = "https://w3id.org/plankg/ontology#", labels = {};
  // Completions from the served data (/search/suggest): unit and indicator names, tasks, ontology terms.
  // Type a name, its pinyin or English (区财政局, caizhengju, budget) or plan:lead, then Ctrl-Space.
  Yasgui.Yasqe.registerAutocompleter({
    name: "plankgData", bulk: false, autoShow: true, persistenceId: null,
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      var text = (token.string || "").replace(/^["'<]/, "");
      return token.type !== "keyword" && text.length >= 2 && "?$".indexOf(text[0]) < 0;
    },
    get: function (yasqe, token) {
      var text = token.string.replace(/^["'<]|["'>]$/g, ""), kind = "";
      var colon = text.indexOf(":");
      if (colon >= 0 && !/^https?:/.test(text)) { text = text.slice(colon + 1); kind = "&kind=term"; }
      if (!text) return Promise.resolve([]);
      return fetch(window.PLANKG_SUGGEST + "?limit=12&q=" + encodeURIComponent(text) + kind)
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          return items.map(function (i) {
            var inserted = i.iri.indexOf(PLAN) === 0 ? "plan:" + i.iri.slice(PLAN.length) : "<" + i.iri + ">";
            labels[inserted] = i.label + " · " + i.kind;
            return inserted;
          });
        });
    },
    postprocessHints: function (yasqe, hints) {
      hints.forEach(function (h) { if (labels[h.text]) h.displayText = labels[h.text] + "   " + h.text; });
      return hints;
    }
  }, false);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,            // start clean: no state from earlier visits
    autofocus: false,               // focusing the editor scrolls the page past the header and the intro
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: {
      autocompleters: ["variables", "plankgData"], // LOV's class and property completers call an outside service
      prefixCcApi: null,             // and so does the prefix completer
      autofocus: false,
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
  // Units in the results are their names, linking to their pages, with the IRI as the tooltip: a unit
  // IRI shows its name, and a name (or a list joined with 、) of registered units becomes links.
  var units = null, byName = {}, byIri = {};
  function page(iri) {
    return iri.indexOf(window.PLANKG_BASE) === 0 ? window.PLANKG_ROOT + iri.slice(window.PLANKG_BASE.length) : iri;
  }
  function link(iri, name) {
    var a = document.createElement("a");
    a.href = page(iri); a.title = iri; a.textContent = name; a.className = "unit";
    return a;
  }
  function loadUnits() {
    if (!units) {
      units = fetch(endpoint, { method: "POST", body: new URLSearchParams({ query: window.PLANKG_UNIT_NAMES }),
                                headers: { Accept: "application/sparql-results+json" } })
        .then(function (r) { return r.ok ? r.json() : { results: { bindings: [] } }; })
        .then(function (json) {
          json.results.bindings.forEach(function (b) {
            var name = b.name.value, iri = b.unit.value;
            byName[name] = byName[name] && byName[name] !== iri ? null : iri;   // a name two units share: no link
            byIri[iri] = name;
          });
        });
    }
    return units;
  }
  function linkUnits(root) {
    root.querySelectorAll(".yasr table.dataTable a.iri:not([data-plankg])").forEach(function (a) {
      a.dataset.plankg = "1";
      var iri = a.getAttribute("href");
      if (byIri[iri] && !a.closest("sup")) a.replaceWith(link(iri, byIri[iri]));
    });
    root.querySelectorAll(".yasr table.dataTable span.nonIri:not([data-plankg])").forEach(function (span) {
      span.dataset.plankg = "1";
      var text = span.firstChild && span.firstChild.nodeType === 3 ? span.firstChild.textContent : "";
      var names = text.replace(/^"|"$/g, "").split("、");
      if (!text || !names.every(function (n) { return byName[n]; })) return;
      var parts = document.createDocumentFragment();
      names.forEach(function (n, i) { if (i) parts.appendChild(document.createTextNode("、")); parts.appendChild(link(byName[n], n)); });
      span.replaceChild(parts, span.firstChild);
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    loadUnits().then(function () { pending = false; linkUnits(document.getElementById("yasgui")); });
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
  window.plankgYasgui = yasgui;
})();
