/** An instance's `/metrics` page as text. */
export async function metricsPage(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/**
 * One series' value on a metrics page, `series` written as the page writes it, labels included
 * (`twin_bus_messages_total{bus="mqtt",outcome="stored"}`); null when the page has no such line.
 */
export function seriesValue(page: string, series: string): number | null {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

/**
 * One series' value on an instance's `/metrics` page; 0 when the page has no such line: a labelled
 * counter appears only once it has counted.
 */
export async function metricOf(url: string, series: string): Promise<number> {
  return seriesValue(await metricsPage(url), series) ?? 0;
}
