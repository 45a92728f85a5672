// The search box on every page: suggestions from /search/suggest as one types; choosing one opens its page.
(function () {
  "use strict";
  var input = document.querySelector("form.search-box input[name=q]");
  if (!input) return;
  var list = document.getElementById("search-suggestions");
  var pages = {}, timer = null, asked = "";
  function show(items) {
    list.innerHTML = "";
    pages = {};
    items.forEach(function (s) {
      var option = document.createElement("option");
      option.value = s.label;
      option.label = s.kind;
      pages[s.label] = s.href;
      list.appendChild(option);
    });
  }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (pages[q]) { window.location.href = pages[q]; return; }  // a suggestion was chosen
    clearTimeout(timer);
    if (!q || q === asked) return;
    timer = setTimeout(function () {
      asked = q;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (input.value.trim() === q) show(items); })
        .catch(function () {});
    }, 120);
  });
})();
