/**
 * One series' value on an instance's `/metrics` page, `series` written as the page writes it, labels
 * included (`twin_bus_messages_total{bus="mqtt",outcome="stored"}`). 0 when the page has no such line:
 * a labelled counter appears only once it has counted.
 */
export async function metricOf(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
