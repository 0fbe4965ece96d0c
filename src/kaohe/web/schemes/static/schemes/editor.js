/* The scheme editor's live check: on each change the form goes to the checker (nothing is saved)
   and every problem is shown at its field. The page works without this file (the "check" button). */
(function () {
  "use strict";
  var form = document.getElementById("scheme-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("live-status");
  var timer = null;

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function boxFor(path) {
    while (true) {
      var box = form.querySelector('.live-problems[data-for="' + path + '"]');
      if (box || !path) return box;
      path = path.indexOf(".") < 0 ? "" : path.slice(0, path.lastIndexOf("."));
    }
  }

  function show(problems) {
    form.querySelectorAll(".live-problems").forEach(function (el) { el.innerHTML = ""; });
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    problems.forEach(function (p) {
      var box = boxFor(p.path);
      if (box) {
        box.insertAdjacentHTML("beforeend",
          '<div class="' + (p.level === "error" ? "text-danger" : "text-warning-emphasis") + ' small mt-1" data-code="' +
          esc(p.code) + '" data-testid="field-problem"><strong>' + esc(p.code) + "</strong> " + esc(p.message) +
          (p.hint ? '<br><span class="text-body-secondary">' + esc(p.hint) + "</span>" : "") + "</div>");
      }
      var input = form.querySelector('[name="' + p.path + '"]');
      if (input) input.classList.add("is-invalid");
      if (p.code === "K001" || p.code === "K002") {  // the weights of the list that do not add up
        var rowWeight = new RegExp("^" + p.path.replace(/\./g, "\\.") + "\\.\\d+\\.weight$");
        form.querySelectorAll("input[name]").forEach(function (el) {
          if (rowWeight.test(el.name)) el.classList.add("is-invalid");
        });
      }
    });
    var errors = problems.filter(function (p) { return p.level === "error"; }).length;
    status.textContent = errors ? status.dataset.errorsText + " " + errors : status.dataset.okText;
    status.dataset.errors = String(errors);
  }

  function run() {
    var data = new FormData(form);
    fetch(form.dataset.checkUrl, {method: "POST", body: data, credentials: "same-origin",
                                  headers: {"X-CSRFToken": data.get("csrfmiddlewaretoken")}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) show(body.problems || []); })
      .catch(function () {});
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 300);
  });
})();
