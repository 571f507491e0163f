// ECharts, only the parts these screens draw (tree-shaken): line, bar and funnel charts on a canvas.
import * as echarts from 'echarts/core'
import { BarChart, FunnelChart, LineChart } from 'echarts/charts'
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, CanvasRenderer])

export { echarts }

const PALETTE = ['#1a4f8b', '#2e9d6b', '#e0a100', '#c8433a', '#7b5ea7', '#3aa3c8']

/** Line chart: one series per key over the rows' `category` values. */
export function lineOption(rows, category, series) {
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: rows.map((row) => row[category]) },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(({ key, name }) => ({ type: 'line', name, smooth: true, data: rows.map((row) => row[key] ?? 0) })),
  }
}

/** Bar chart: one series per key, grouped by the rows' `category` values. */
export function barOption(rows, category, series, { horizontal = false } = {}) {
  const categoryAxis = { type: 'category', data: rows.map((row) => row[category]) }
  const valueAxis = { type: 'value' }
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: horizontal ? 110 : 40, right: 16, top: 36, bottom: 28 },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: series.map(({ key, name }) => ({ type: 'bar', name, data: rows.map((row) => row[key] ?? 0) })),
  }
}

/** Funnel of the chain, widest stage first. */
export function funnelOption(rows) {
  return {
    color: PALETTE,
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '10%',
        width: '80%',
        label: { position: 'inside', formatter: '{b}: {c}' },
        data: rows.map((row) => ({ name: row.label, value: row.count })),
      },
    ],
  }
}
