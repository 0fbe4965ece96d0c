/* Kaohe UI behaviour: small, progressive. Every page works without this file;
   it only adds chart drawing and a guard against double clicks. */
(function () {
  "use strict";

  // A second click on a submit button while the first request is under way
  // would send the form twice. The server refuses the repeat anyway (one-time
  // form tokens); disabling the button just spares the user the refusal page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.noGuard !== undefined) return;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });

  // The language menu submits itself on change (no inline handler: the pages work under a strict CSP).
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  // htmx leaves the page unchanged on an error status; a refusal (403, 409 …) must still be
  // read, so its explanation is put where the fragment would have gone.
  document.addEventListener("htmx:responseError", function (event) {
    var doc = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var refusal = doc.querySelector("[data-testid=refusal]");
    var target = event.detail.target;
    if (refusal && target) target.innerHTML = refusal.outerHTML;
  });

  // Charts: a <div class="chart" data-chart="ID"> and a <script type="application/json" id="ID">
  // holding the ECharts option. The option is built server-side, so the page shows
  // the same numbers as the table next to it.
  function drawCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      chart.setOption(JSON.parse(src.textContent), true);
      el.dataset.rendered = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
  window.addEventListener("resize", function () {
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
