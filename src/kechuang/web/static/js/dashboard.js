// Dashboard charts. Data comes from the page's JSON block (no inline script: strict CSP).
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("dashboard-data");
    if (!node || !window.echarts) { return; }
    var data = JSON.parse(node.textContent);
    var palette = ["#c8102e", "#e86a3a", "#f2a541", "#1f5fbf", "#3a8dde", "#1a7f4b", "#7a56c2", "#5d6577"];
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var instance = window.echarts.init(el, null, { renderer: "canvas" });
      option.color = palette;
      instance.setOption(option);
      window.addEventListener("resize", function () { instance.resize(); });
      el.setAttribute("data-rendered", "1");
    }
    chart("chart-resources", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "68%"], data: data.resources, label: { formatter: "{b}: {c}" } }]
    });
    chart("chart-industries", {
      tooltip: {}, grid: { left: 160, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.industries.map(function (d) { return d.name; }) },
      series: [{ type: "bar", barMaxWidth: 28, data: data.industries.map(function (d) { return d.value; }) }]
    });
    chart("chart-funnel", {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "8%", width: "62%", data: data.funnel, label: { formatter: "{b}: {c}" } }]
    });
    chart("chart-events", {
      tooltip: { trigger: "axis" }, legend: { top: 0, data: [data.labels.events, data.labels.trainees] },
      grid: { left: 40, right: 40, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1 }],
      series: [
        { name: data.labels.events, type: "bar", barMaxWidth: 28, data: data.events },
        { name: data.labels.trainees, type: "line", yAxisIndex: 1, data: data.trainees }
      ]
    });
    chart("chart-visits", {
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.visit_days },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: data.labels.visits, type: "line", areaStyle: {}, data: data.visit_counts }]
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
