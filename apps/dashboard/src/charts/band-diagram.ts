import type { ProfilePoint } from '../api/types';
import { OKABE_ITO } from '../ui/palette';

const SVG = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 240;
const PAD = { left: 64, right: 16, top: 28, bottom: 40 };
const CATHODE_SHARE = 0.18;

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const tick = (v: number) => (v === 0 ? '0' : Number(v.toPrecision(2)).toString());

export interface BandDiagramInput {
  cathode: string;
  electrolyte: string;
  coating: { material: string; thicknessNm: number } | null;
  profile: ProfilePoint[];
  potentialDropV?: number;
  sclThicknessNm?: number;
}

/**
 * Cathode | (coating) | electrolyte with the electrostatic potential across them: the cathode as a
 * flat (metallic) level, the profile from the model through the coating and the space-charge layer.
 * x = 0 is taken as the cathode surface, as in the model's profile.
 */
export function renderBandDiagram(input: BandDiagramInput): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'band-diagram', role: 'img' });
  const title = `Potential across ${input.cathode}${input.coating ? ` | ${input.coating.material}` : ''} | ${input.electrolyte}`;
  svg.append(el('title', {}, title));
  const pts = input.profile.filter((p) => Number.isFinite(p.xNm) && Number.isFinite(p.potentialV));
  if (pts.length < 2) {
    svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'No profile yet'));
    return svg;
  }
  const xMin = Math.min(0, ...pts.map((p) => p.xNm));
  const xMax = Math.max(...pts.map((p) => p.xNm));
  const vals = pts.map((p) => p.potentialV);
  let vMin = Math.min(...vals);
  let vMax = Math.max(...vals);
  if (vMax - vMin < 1e-6) {
    vMin -= 0.05;
    vMax += 0.05;
  }
  const plotW = W - PAD.left - PAD.right;
  const cathodeW = plotW * CATHODE_SHARE;
  const x0 = PAD.left + cathodeW;
  const sx = (x: number) => x0 + ((x - xMin) / (xMax - xMin || 1)) * (plotW - cathodeW);
  const sy = (v: number) => PAD.top + (1 - (v - vMin) / (vMax - vMin)) * (H - PAD.top - PAD.bottom);
  const bottom = H - PAD.bottom;

  const region = (x1: number, x2: number, fill: string, label: string) => {
    svg.append(
      el('rect', {
        x: x1,
        y: PAD.top,
        width: Math.max(0, x2 - x1),
        height: bottom - PAD.top,
        fill,
        'fill-opacity': 0.18,
      }),
    );
    svg.append(
      el('text', { x: (x1 + x2) / 2, y: PAD.top - 8, 'text-anchor': 'middle', class: 'region-label' }, label),
    );
  };
  region(PAD.left, x0, OKABE_ITO.blue, `cathode ${input.cathode}`);
  let electrolyteStart = x0;
  if (input.coating && input.coating.thicknessNm > 0) {
    const xc = Math.min(sx(input.coating.thicknessNm), W - PAD.right);
    region(x0, xc, OKABE_ITO.orange, `${input.coating.material} ${input.coating.thicknessNm} nm`);
    electrolyteStart = xc;
  }
  region(electrolyteStart, W - PAD.right, OKABE_ITO.bluishGreen, `electrolyte ${input.electrolyte}`);

  if (typeof input.sclThicknessNm === 'number' && input.sclThicknessNm > 0) {
    const edge = (input.coating?.thicknessNm ?? 0) + input.sclThicknessNm;
    if (edge <= xMax) {
      const x = sx(edge);
      svg.append(
        el('line', { x1: x, x2: x, y1: PAD.top, y2: bottom, stroke: '#555', 'stroke-dasharray': '4 3' }),
      );
      svg.append(el('text', { x: x + 4, y: bottom - 6, class: 'axis-note' }, 'SCL edge'));
    }
  }

  const first = pts[0];
  const d = [`M ${PAD.left} ${sy(first.potentialV)}`, `L ${x0} ${sy(first.potentialV)}`]
    .concat(pts.map((p) => `L ${sx(p.xNm)} ${sy(p.potentialV)}`))
    .join(' ');
  svg.append(el('path', { d, fill: 'none', stroke: OKABE_ITO.black, 'stroke-width': 2 }));

  svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: bottom, y2: bottom, stroke: '#333' }));
  svg.append(el('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: bottom, stroke: '#333' }));
  svg.append(
    el(
      'text',
      { x: (x0 + W - PAD.right) / 2, y: H - 8, 'text-anchor': 'middle' },
      'distance from cathode surface x (nm)',
    ),
  );
  svg.append(el('text', { x: x0, y: bottom + 16, 'text-anchor': 'middle', class: 'axis-note' }, tick(xMin)));
  svg.append(
    el('text', { x: W - PAD.right, y: bottom + 16, 'text-anchor': 'end', class: 'axis-note' }, tick(xMax)),
  );
  svg.append(
    el(
      'text',
      {
        x: 14,
        y: (PAD.top + bottom) / 2,
        transform: `rotate(-90 14 ${(PAD.top + bottom) / 2})`,
        'text-anchor': 'middle',
      },
      'potential φ (V)',
    ),
  );
  svg.append(
    el(
      'text',
      { x: PAD.left - 4, y: sy(vMax) + 4, 'text-anchor': 'end', class: 'axis-note' },
      vMax.toFixed(3),
    ),
  );
  svg.append(
    el(
      'text',
      { x: PAD.left - 4, y: sy(vMin) + 4, 'text-anchor': 'end', class: 'axis-note' },
      vMin.toFixed(3),
    ),
  );
  if (typeof input.potentialDropV === 'number') {
    svg.append(
      el(
        'text',
        { x: W - PAD.right - 4, y: PAD.top + 16, 'text-anchor': 'end', class: 'axis-note' },
        `Δφ = ${(input.potentialDropV * 1000).toFixed(1)} mV`,
      ),
    );
  }
  return svg;
}
