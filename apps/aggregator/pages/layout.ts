import type { Principal } from '@vcc/auth';
import { html, jsonBlock, type Html } from './html';

/** A chart the page script draws with Chart.js: a line or bar chart with one or two value axes. */
export interface ChartSpec {
  type: 'line' | 'bar';
  labels: string[];
  axes: { id: string; title: string; position: 'left' | 'right' }[];
  datasets: {
    label: string;
    data: (number | null)[];
    yAxisID: string;
    borderColor: string;
    backgroundColor: string;
  }[];
}

export interface PageContent {
  title: string;
  /** The nav entry to mark as current. */
  nav: string;
  body: Html;
  chart?: ChartSpec;
  /** Text of a problem with the request (shown above the body). */
  problem?: string;
}

/** Colours that stay apart for readers with the common colour-vision deficiencies (Okabe-Ito). */
export const COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00'];

const NAV = [
  ['totals-daily', '/pages/totals', 'Totals, daily'],
  ['totals-hourly', '/pages/totals?granularity=hourly', 'Totals, hourly'],
  ['daily', '/pages/daily', 'Daily summary'],
  ['vm', '/pages/vm', 'VM trace'],
  ['reports', '/pages/reports', 'Reports'],
  ['cluster', '/pages/cluster', 'Cluster'],
] as const;

export function layout(page: PageContent, principal: Principal): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · vcc</title>
        <link rel="stylesheet" href="/pages/assets/pages.css" />
        <link rel="icon" href="/pages/assets/favicon.svg" />
      </head>
      <body>
        <header>
          <nav>
            ${NAV.map(
              ([id, href, label]) =>
                html`<a href="${href}" ${id === page.nav ? html` aria-current="page"` : ''}>${label}</a>`,
            )}
          </nav>
          <form method="post" action="/pages/logout" class="who">
            <span>${principal.name} (${principal.role})</span> <button type="submit">Log out</button>
          </form>
        </header>
        <main>
          <h1>${page.title}</h1>
          ${page.problem ? html`<p class="problem" role="alert">${page.problem}</p>` : ''}
          ${
            page.chart
              ? html`<div class="chart"><canvas id="chart"></canvas></div>
                  ${jsonBlock('chart-data', page.chart)}`
              : ''
          }
          ${page.body}
        </main>
        ${
          page.chart
            ? html`<script src="/pages/assets/chart.umd.js"></script>
                <script src="/pages/assets/pages.js"></script>`
            : ''
        }
      </body>
    </html> `;
}

export function loginPage(next: string | undefined, problem?: string): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Log in · vcc</title>
        <link rel="stylesheet" href="/pages/assets/pages.css" />
        <link rel="icon" href="/pages/assets/favicon.svg" />
      </head>
      <body>
        <main class="login">
          <h1>vcc aggregator</h1>
          ${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
          <form method="post" action="/pages/login">
            <label for="token">Bearer token (reader or admin)</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required />
            ${next ? html`<input type="hidden" name="next" value="${next}" />` : ''}
            <button type="submit">Log in</button>
          </form>
        </main>
      </body>
    </html> `;
}

// Intl formatters are built once: building one costs about as much as rendering a whole table row.
const numberFormats = new Map<number, Intl.NumberFormat>();

/** A number for people: thousands separated, at most `digits` decimals. */
export function num(value: unknown, digits = 0): string {
  if (value === null || value === undefined || value === '') return '';
  let format = numberFormats.get(digits);
  if (!format)
    numberFormats.set(digits, (format = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })));
  return format.format(Number(value));
}

/** A number that links to the rows it was computed from. */
export function numLink(href: string, value: unknown, digits = 0): Html {
  return html`<a href="${href}">${num(value, digits)}</a>`;
}

/** `<option>`s of a select, the current value selected. */
export function options(
  choices: readonly (readonly [string, string])[],
  current: string | undefined,
): Html[] {
  return choices.map(
    ([value, label]) =>
      html`<option value="${value}" ${value === (current ?? '') ? html` selected` : ''}>${label}</option>`,
  );
}
