// Draws every element carrying an ECharts option in data-chart (ECharts is vendored, never a CDN).
document.addEventListener("DOMContentLoaded", function () {
  window.kaoheCharts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption(JSON.parse(el.getAttribute("data-chart")));
    window.kaoheCharts.push(chart);
  });
  window.addEventListener("resize", function () {
    window.kaoheCharts.forEach(function (c) { c.resize(); });
  });
});
