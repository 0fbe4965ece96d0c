/* Kaohe: behaviour of the cycle pages (opening a cycle, upload progress, calibration).
   Every page works without it; this only saves typing and shows progress live. */
(function () {
  "use strict";

  function iso(d) {
    var m = d.getMonth() + 1, day = d.getDate();
    return d.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (day < 10 ? "0" : "") + day;
  }

  // The period and its label fill the first and last day, and each step's last day after them.
  function bounds(period, label) {
    var y, m0, months;
    if (period === "monthly" && /^\d{4}-(0[1-9]|1[0-2])$/.test(label)) {
      y = +label.slice(0, 4); m0 = +label.slice(5, 7) - 1; months = 1;
    } else if (period === "quarterly" && /^\d{4}-Q[1-4]$/.test(label)) {
      y = +label.slice(0, 4); m0 = (+label.slice(-1) - 1) * 3; months = 3;
    } else if (period === "annual" && /^\d{4}$/.test(label)) {
      y = +label; m0 = 0; months = 12;
    } else { return null; }
    return [new Date(y, m0, 1), new Date(y, m0 + months, 0)];
  }
  var OFFSETS = {acknowledge_targets: ["start", 5], self_review: ["end", 3], supervisor_review: ["end", 6],
    reviewer_approval: ["end", 8], calibration: ["end", 10], interview: ["end", 15], acknowledge_result: ["end", 18]};

  function nextLabel(period) {
    var t = new Date();
    if (period === "monthly") { var n = new Date(t.getFullYear(), t.getMonth() + 1, 1);
      return n.getFullYear() + "-" + (n.getMonth() < 9 ? "0" : "") + (n.getMonth() + 1); }
    if (period === "quarterly") { var q = Math.floor(t.getMonth() / 3) + 1;
      return q === 4 ? (t.getFullYear() + 1) + "-Q1" : t.getFullYear() + "-Q" + (q + 1); }
    return String(t.getFullYear() + 1);
  }

  function fill(form) {
    var period = form.querySelector("[name=period]").value;
    var label = form.querySelector("[name=label]").value.trim();
    var b = bounds(period, label);
    if (!b) return;
    form.querySelector("[name=start]").value = iso(b[0]);
    form.querySelector("[name=end]").value = iso(b[1]);
    Object.keys(OFFSETS).forEach(function (step) {
      var input = form.querySelector("[name=deadline_" + step + "]");
      if (!input) return;
      var base = OFFSETS[step][0] === "start" ? b[0] : b[1];
      input.value = iso(new Date(base.getFullYear(), base.getMonth(), base.getDate() + OFFSETS[step][1]));
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-period-form]");
    if (!form) return;
    if (event.target.name === "period") {
      var label = form.querySelector("[name=label]");
      if (!bounds(event.target.value, label.value.trim())) label.value = nextLabel(event.target.value);
      fill(form);
    } else if (event.target.name === "label") {
      fill(form);
    }
  });

  // Background jobs: a [data-job-url] element polls its job until it is done, then reloads the page.
  function poll(el) {
    fetch(el.dataset.jobUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        var bar = el.querySelector(".progress-bar");
        if (bar) { bar.style.width = job.percent + "%"; bar.setAttribute("aria-valuenow", job.percent);
          bar.textContent = job.percent + "%"; }
        var text = el.querySelector("[data-job-text]");
        if (text) text.textContent = job.text;
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(function () { poll(el); }, 700);
      })
      .catch(function () { window.setTimeout(function () { poll(el); }, 2000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-url]").forEach(poll);
  });

  // Calibration: the grade distribution against the target, as the grade chosen changes.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("[data-calibration-form] select[name=grade]")) return;
    var table = document.querySelector("[data-testid=live-distribution]");
    if (!table) return;
    var counts = JSON.parse(table.dataset.counts || "{}");
    var total = +table.dataset.total || 0;
    var from = select.dataset.current || "";
    var to = select.value || from;
    var next = Object.assign({}, counts);
    if (from && to && from !== to) { next[from] = (next[from] || 0) - 1; next[to] = (next[to] || 0) + 1; }
    table.querySelectorAll("tr[data-grade]").forEach(function (row) {
      var g = row.dataset.grade, n = next[g] || 0;
      row.querySelector("[data-count]").textContent = n;
      var pct = total ? Math.round(n * 10000 / total) / 100 : 0;
      row.querySelector("[data-percent]").textContent = pct + "%";
      var target = row.dataset.target === "" ? null : +row.dataset.target;
      row.classList.toggle("table-warning", target !== null && Math.abs(pct - target) > 5);
    });
  });
})();
