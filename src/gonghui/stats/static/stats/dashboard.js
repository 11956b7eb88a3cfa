/* The dashboard's two charts, from the JSON the page carries (no inline script: CSP). */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("stats-chart");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var trend = document.getElementById("chart-trend");
    if (trend) {
      var series = [{ name: data.labels.joined, type: "bar", data: data.joined }];
      if (data.members.some(function (v) { return v !== null; })) {
        series.push({ name: data.labels.members, type: "line", yAxisIndex: 1, data: data.members, connectNulls: true });
      }
      echarts.init(trend).setOption({
        tooltip: { trigger: "axis" },
        legend: {},
        grid: { left: 48, right: 48, bottom: 32 },
        xAxis: { type: "category", data: data.months },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1 }],
        series: series
      });
    }
    var ranking = document.getElementById("chart-ranking");
    if (ranking) {
      echarts.init(ranking).setOption({
        // The tooltip names the org in full; the axis shows the part that tells siblings apart,
        // cut at its end when too long.
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var item = items[0];
            return echarts.format.encodeHTML(data.ranking.names[item.dataIndex]) + "<br>" +
              echarts.format.encodeHTML(data.ranking.label) + "：" + item.value;
          }
        },
        grid: { left: 140, right: 24, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: {
          type: "category", inverse: true, data: data.ranking.axis,
          axisLabel: { width: 128, overflow: "truncate", ellipsis: "…" }
        },
        series: [{ name: data.ranking.label, type: "bar", data: data.ranking.values }]
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
