import type { ApiClient } from '../api/http-client';
import type { Cell, Material } from '../api/types';

export interface MaterialChoices {
  cathode: string[];
  electrolyte: string[];
  coating: string[];
  /** False when `/materials` is not on this server: the lists then come from the cells. */
  fromServer: boolean;
}

/** `/materials` as `{materials: […]}` or a bare array; entries with no kind go in every list. */
export function groupMaterials(body: unknown): Omit<MaterialChoices, 'fromServer'> {
  const list = (
    Array.isArray(body) ? body : ((body as { materials?: unknown } | null)?.materials ?? [])
  ) as Material[];
  const out = { cathode: new Set<string>(), electrolyte: new Set<string>(), coating: new Set<string>() };
  for (const m of list) {
    if (!m || typeof m.id !== 'string') continue;
    if (m.kind === 'cathode' || m.kind === 'electrolyte' || m.kind === 'coating') out[m.kind].add(m.id);
    else for (const set of Object.values(out)) set.add(m.id);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return { cathode: sorted(out.cathode), electrolyte: sorted(out.electrolyte), coating: sorted(out.coating) };
}

export async function loadMaterials(api: ApiClient): Promise<MaterialChoices> {
  try {
    return { ...groupMaterials(await api.get<unknown>('/materials')), fromServer: true };
  } catch {
    const { cells } = await api.get<{ cells: Cell[] }>('/cells').catch(() => ({ cells: [] as Cell[] }));
    const uniq = (xs: (string | null | undefined)[]) =>
      [...new Set(xs.filter((x): x is string => !!x))].sort();
    return {
      cathode: uniq(['NCM811', ...cells.map((c) => c.cathode)]),
      electrolyte: uniq(['Li6PS5Cl', ...cells.map((c) => c.electrolyte)]),
      coating: uniq(['LiNbO3', ...cells.map((c) => c.coating?.material)]),
      fromServer: false,
    };
  }
}
