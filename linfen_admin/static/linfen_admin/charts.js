/* The project's one chart script: every <figure class="chart"> carries its data in a JSON script element
   (json_script, so no inline script is needed and a Content-Security-Policy may forbid them); this draws it with
   the vendored ECharts and makes each bar, point and slice open the filtered list behind it. */
(function () {
  "use strict";
  if (!window.echarts) { return; }  // no library: the table stays visible
  var palette = ["#1f5fa8", "#d9822b", "#2f8f5b", "#b03a48", "#6b5aa8", "#5d7085"];

  function axisChart(spec) {
    var stacked = spec.kind === "stacked";
    var type = spec.kind === "line" ? "line" : "bar";
    var series = spec.series.map(function (s, index) {
      var item = {name: s.name, type: type, data: s.values, connectNulls: true, barMaxWidth: 28};
      if (stacked) { item.stack = "total"; }
      if (type === "line") { item.symbolSize = 4; item.smooth = false; }
      if (index === 0 && spec.lines.length) {
        item.markLine = {
          silent: true, symbol: "none", lineStyle: {type: "dashed", color: "#b03a48"},
          label: {formatter: "{b}", position: "insideEndTop"},
          data: spec.lines.map(function (line) { return {name: line.label, yAxis: line.value}; })
        };
      }
      return item;
    });
    var topLine = spec.lines.reduce(function (top, line) { return Math.max(top, line.value); }, 0);
    var dense = spec.categories.length > 20;
    return {
      color: palette, animation: false,
      tooltip: {trigger: "axis"},
      legend: {show: spec.series.length > 1, top: 0, textStyle: {fontSize: 11}},
      grid: {left: 44, right: 12, top: spec.series.length > 1 ? 24 : 12, bottom: 56},
      xAxis: {type: "category", data: spec.categories,
              axisLabel: {rotate: spec.categories.length > 8 ? 45 : 0, fontSize: 10, interval: dense ? "auto" : 0}},
      // every marker line stays inside the axis (the 100 % line too, while nobody is near it)
      yAxis: {type: "value", name: spec.unit, nameTextStyle: {fontSize: 10}, axisLabel: {fontSize: 10},
              max: topLine ? function (value) { return Math.max(value.max, topLine); } : null},
      series: series
    };
  }

  function sliceChart(spec) {
    var data = spec.categories.map(function (name, i) { return {name: name, value: spec.series[0].values[i]}; });
    var series = spec.kind === "funnel"
      ? {type: "funnel", sort: "none", left: 8, right: 8, top: 8, bottom: 8, minSize: "8%", data: data,
         label: {show: true, position: "inside", fontSize: 10, formatter: "{b} {c}"}}
      : {type: "pie", radius: ["35%", "70%"], data: data, stillShowZeroSum: false,
         label: {fontSize: 10, formatter: "{b}\n{c}"}};
    return {color: palette, animation: false, tooltip: {trigger: "item"}, series: [series]};
  }

  function draw(figure) {
    var canvas = figure.querySelector(".chart-canvas");
    var source = document.getElementById(canvas.getAttribute("data-spec"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var total = spec.series.reduce(function (sum, s) {
      return sum + s.values.reduce(function (a, v) { return a + (v || 0); }, 0);
    }, 0);
    if (!total && (spec.kind === "funnel" || spec.kind === "pie" || spec.kind === "stacked")) {
      // nothing to draw: one plain line on screen; the (all-zero) table stays for screen readers and print
      var note = document.createElement("p");
      note.className = "muted chart-empty";
      note.textContent = figure.getAttribute("data-empty-label");
      canvas.replaceWith(note);
      figure.classList.remove("no-script");
      figure.setAttribute("data-drawn", "empty");
      return;
    }
    figure.classList.remove("no-script");  // the canvas must be laid out before ECharts measures it
    var chart = window.echarts.init(canvas, null, {renderer: "canvas"});
    chart.setOption(spec.kind === "funnel" || spec.kind === "pie" ? sliceChart(spec) : axisChart(spec));
    chart.on("click", function (params) {
      var link = spec.links[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    figure.setAttribute("data-drawn", "1");
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.chart"), draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
})();
