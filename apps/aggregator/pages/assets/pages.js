// Draws the page's chart from its JSON block (see apps/aggregator/pages/layout.ts: ChartSpec).
// Plain browser JavaScript, served as it is: the pages have no front-end build step.
(function () {
  'use strict';
  var block = document.getElementById('chart-data');
  var canvas = document.getElementById('chart');
  if (!block || !canvas || typeof Chart === 'undefined') return;
  var spec = JSON.parse(block.textContent);
  var scales = { x: { ticks: { autoSkip: true, maxRotation: 0 } } };
  spec.axes.forEach(function (axis) {
    scales[axis.id] = {
      type: 'linear',
      position: axis.position,
      beginAtZero: true,
      title: { display: true, text: axis.title },
      grid: { drawOnChartArea: axis.position === 'left' },
    };
  });
  new Chart(canvas, {
    type: spec.type,
    data: { labels: spec.labels, datasets: spec.datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // Drawn at once: a page of numbers gains nothing from movement.
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: scales,
    },
  });
})();
