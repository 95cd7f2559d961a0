/**
 * Built-in materials, values and tags from physics.md §2 (parameter table), §4.1 (lattice) and §6 (coatings).
 * Convention (physics.md §2 note 1): carrierDensityCm3 is the TOTAL Li density, to be used with the lattice-gas
 * model (§1.4c) and a site density c_max ≥ n_Li. The review's effective-carrier convention (sulfides ~1e21,
 * oxides ~1e19 cm⁻³) is available through per-cell overrides; neither convention is applied silently.
 */
import type { Material, SourceTag, Tagged } from './material.types';

function t(value: number, tag: SourceTag, source: string): Tagged {
  return { value, tag, source };
}

const OCV_SOURCE =
  'generic literature shape of the cathode OCV vs Li (not in physics.md); replace with the measured curve of the cell';

// physics.md §4.1 table (NCM811): c [R] R7/R8, V(0.25) = 0.9298 [R] R8, V shape for x > 0.5 [P], floor 0.92 [P, review].
const NI_RICH_LATTICE = {
  xLi: [0, 0.25, 0.5, 0.6, 1.0],
  volumeRatio: [0.92, 0.9298, 0.99, 0.995, 1.0],
  cAxisA: [13.732, 13.732, 14.467, 14.469, 14.2],
  tag: 'R' as const,
  source:
    'physics.md §4.1: Kondrakov et al. JPCC 2017 (R7, R8) c and V(0.25); V(0.5), V(0.6) [P]; x < 0.25 held at NCM90 floor 0.92 [P, review]; c below 0.25 held [P]',
};

export const BUILT_IN_MATERIALS: readonly Material[] = [
  // ---------------------------------------------------------------- cathodes
  {
    id: 'LiCoO2',
    name: 'LiCoO2 (LCO)',
    kind: 'cathode',
    epsR: t(12.9, 'C', 'physics.md §2, yinxiaobin0 code attributed to de Klerk 2018'),
    carrierDensityCm3: t(2.453e22, 'C', 'physics.md §2, 24.53 nm⁻³, attributed to de Klerk 2018'),
    siteDensityCm3: t(3.11e22, 'D', 'physics.md §2, n_Li total from a 2.816, c 14.05 Å, Z 3'),
    bulkConductivitySPerCm: t(3.06e-5, 'D', 'physics.md §1.7, Nernst–Einstein with D 2e-10 cm²/s [C]'),
    activationEnergyEv: null,
    ocv: {
      soc: [0, 0.05, 0.1, 0.3, 0.5, 0.7, 0.85, 1.0],
      voltageV: [3.8, 3.88, 3.91, 3.93, 3.96, 4.05, 4.12, 4.2],
      tag: 'M',
      source: `LCO x = 1 → 0.5 (low confidence): ${OCV_SOURCE}`,
    },
    xLiAtSoc0: t(1.0, 'M', 'LCO fully lithiated when discharged (med)'),
    xLiAtSoc1: t(0.5, 'M', 'LCO at 4.2 V, about 137 of 274 mAh/g (med)'),
  },
  {
    id: 'NCM811',
    name: 'LiNi0.8Co0.1Mn0.1O2 (NCM811)',
    kind: 'cathode',
    epsR: t(12.9, 'P', 'physics.md §2: not found, LCO value used as proxy'),
    carrierDensityCm3: t(2.96e22, 'D', 'physics.md §2, n_Li total from a 2.872, c 14.20 Å'),
    siteDensityCm3: t(2.96e22, 'D', 'physics.md §2, one Li site per formula unit'),
    bulkConductivitySPerCm: t(
      1.85e-5,
      'D',
      'Nernst–Einstein (physics.md §1.7) with D_Li 1e-10 cm²/s [M, med]',
    ),
    activationEnergyEv: null,
    ocv: {
      soc: [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
      voltageV: [3.5, 3.62, 3.67, 3.73, 3.78, 3.83, 3.88, 3.94, 4.01, 4.07, 4.14, 4.25],
      tag: 'M',
      source: `NCM811 3.0–4.3 V window (low confidence): ${OCV_SOURCE}`,
    },
    lattice: NI_RICH_LATTICE,
    xLiAtSoc0: t(0.97, 'P', 'physics.md §4.1: x_max ≈ 0.95–1.0 when discharged'),
    xLiAtSoc1: t(
      0.22,
      'P',
      'physics.md §4.1: x_min = 1 − Q_charge/Q_theor, ~206 of 275 mAh/g at 4.3 V [M, med]; calibrate per cell',
    ),
  },
  {
    id: 'NCM90',
    name: 'LiNi0.9Co0.05Mn0.05O2 (NCM90)',
    kind: 'cathode',
    epsR: t(12.9, 'P', 'physics.md §2: not found, LCO proxy'),
    carrierDensityCm3: t(2.96e22, 'D', 'physics.md §2, ≈ NCM811'),
    siteDensityCm3: t(2.96e22, 'D', 'physics.md §2, one Li site per formula unit'),
    bulkConductivitySPerCm: null,
    activationEnergyEv: null,
    ocv: {
      soc: [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
      voltageV: [3.45, 3.6, 3.65, 3.71, 3.76, 3.81, 3.86, 3.92, 3.99, 4.06, 4.13, 4.25],
      tag: 'M',
      source: `NCM90 3.0–4.3 V window (low confidence): ${OCV_SOURCE}`,
    },
    lattice: {
      ...NI_RICH_LATTICE,
      source: `${NI_RICH_LATTICE.source}; universal V(x) for all Ni contents per R9/R10`,
    },
    xLiAtSoc0: t(0.97, 'P', 'physics.md §4.1'),
    xLiAtSoc1: t(
      0.15,
      'P',
      'physics.md §4.1: NCM90 reaches lower x than NCM811 at the same cut-off; not NCM811’s x_min',
    ),
  },
  // ---------------------------------------------------------------- coatings
  {
    id: 'LiNbO3',
    name: 'LiNbO3 (coating)',
    kind: 'coating',
    epsR: t(29, 'M', 'physics.md §2: crystalline ~29 (∥c) to ~84 (⊥c), med; amorphous coating unknown'),
    carrierDensityCm3: t(1.89e22, 'D', 'physics.md §2, crystalline a 5.148, c 13.863 Å, Z 6'),
    siteDensityCm3: t(3.78e22, 'P', 'two sites per Li assumed'),
    bulkConductivitySPerCm: t(1e-6, 'M', 'physics.md §2/§6: amorphous film ~1e-6–1e-5 (low)'),
    activationEnergyEv: null,
  },
  {
    id: 'BaTiO3',
    name: 'BaTiO3 (dielectric interlayer)',
    kind: 'coating',
    epsR: t(300, 'P', 'thin-film/nanodot value assumed; bulk ceramic is ~1e3 [M]'),
    carrierDensityCm3: null,
    siteDensityCm3: null,
    // physics.md §6: dots < 5 % coverage, so no series Li path through the dielectric is modelled.
    bulkConductivitySPerCm: null,
    activationEnergyEv: null,
  },
  // ---------------------------------------------------------------- electrolytes
  {
    id: 'Li6PS5Cl',
    name: 'Li6PS5Cl (argyrodite)',
    kind: 'electrolyte',
    epsR: t(
      7.2,
      'C',
      'physics.md §2: DFT in yinxiaobin0 code; older version 38, review 20–40 (largest uncertainty, §8.4)',
    ),
    carrierDensityCm3: t(2.25e22, 'C', 'physics.md §2, yinxiaobin0 code'),
    siteDensityCm3: t(5.02e22, 'M', 'Li on half-occupied 48h sites: 48 per cubic cell of a = 9.85 Å (med)'),
    bulkConductivitySPerCm: t(2e-3, 'M', 'physics.md §2: ~1–3e-3; Al-doped 2.36e-3 [R]'),
    activationEnergyEv: t(0.35, 'M', 'physics.md §2: ~0.3–0.4 (low)'),
  },
  {
    id: 'Li3PS4',
    name: 'β-Li3PS4',
    kind: 'electrolyte',
    epsR: t(9.1, 'C', 'physics.md §2, DFT'),
    carrierDensityCm3: t(1.84e22, 'C', 'physics.md §2'),
    siteDensityCm3: t(2.48e22, 'M', '16 Li sites per Pnma cell (a 12.82, b 8.22, c 6.12 Å), low'),
    bulkConductivitySPerCm: t(1.64e-4, 'R', 'physics.md §2: nanoporous β, Yang et al. 2016 abstract'),
    activationEnergyEv: t(0.36, 'M', 'physics.md §2 (med)'),
  },
  {
    id: 'LGPS',
    name: 'Li10GeP2S12 (LGPS)',
    kind: 'electrolyte',
    epsR: t(8.9, 'C', 'physics.md §2, DFT'),
    carrierDensityCm3: t(2.08e22, 'D', 'physics.md §2, a 8.72, c 12.63 Å, Z 2'),
    siteDensityCm3: t(3.12e22, 'P', '1.5 sites per Li assumed'),
    bulkConductivitySPerCm: t(1.2e-2, 'M', 'physics.md §2: Kamaya 2011 (high)'),
    activationEnergyEv: t(0.25, 'M', 'physics.md §2 (med)'),
  },
  {
    id: 'Li3YCl6',
    name: 'Li3YCl6',
    kind: 'electrolyte',
    epsR: t(5.9, 'C', 'physics.md §2, DFT'),
    carrierDensityCm3: t(1.37e22, 'D', 'physics.md §2, P-3m1 a 11.2, c 6.04 Å, Z 3 (code value 1.41e22 [C])'),
    siteDensityCm3: t(2.74e22, 'P', 'two sites per Li assumed'),
    bulkConductivitySPerCm: t(5.1e-4, 'M', 'physics.md §2: Asano 2018 (high)'),
    activationEnergyEv: t(0.4, 'M', 'physics.md §2 (low)'),
  },
  {
    id: 'LLZO',
    name: 'Li7La3Zr2O12 (cubic, Al/Ta)',
    kind: 'electrolyte',
    epsR: t(60, 'C', 'physics.md §2, attributed to de Klerk 2018 (Swift 2021 input: 50)'),
    carrierDensityCm3: t(2.565e22, 'C', 'physics.md §2, 25.65 nm⁻³ attributed to de Klerk 2018'),
    siteDensityCm3: t(3.27e22, 'C', 'physics.md §2, Li sites in Swift, Swift & Qi 2021 code'),
    bulkConductivitySPerCm: t(6.4e-4, 'D', 'physics.md §1.7, Nernst–Einstein with D 4e-9 cm²/s [C]'),
    activationEnergyEv: t(0.32, 'M', 'physics.md §2: 0.30–0.35 (med)'),
    neutralityPotentialV: t(
      1.62,
      'C',
      'physics.md §1.2: mwswift/PFD_solution charge-neutrality potential (low-med)',
    ),
  },
  {
    id: 'LATP',
    name: 'Li1.2Al0.2Ti1.8(PO4)3 (LATP)',
    kind: 'electrolyte',
    epsR: t(15, 'C', 'physics.md §2, attributed to de Klerk 2018'),
    carrierDensityCm3: t(5.37e21, 'C', 'physics.md §2, Li1.2, attributed to de Klerk 2018'),
    siteDensityCm3: t(1.79e22, 'M', 'NASICON M1 + M2 = 4 sites per formula unit for 1.2 Li (med)'),
    bulkConductivitySPerCm: t(7e-4, 'R', 'physics.md §2: total, Jackman & Cutler 2012 highlights'),
    activationEnergyEv: t(0.35, 'R', 'physics.md §2: Jackman & Cutler 2012'),
  },
  {
    id: 'LAGP',
    name: 'Li1.5Al0.5Ge1.5(PO4)3 (LAGP)',
    kind: 'electrolyte',
    epsR: t(12, 'P', 'physics.md §2: not found, use ~10–15'),
    carrierDensityCm3: t(7.41e21, 'D', 'physics.md §2, a 8.25, c 20.6 Å'),
    siteDensityCm3: t(1.976e22, 'M', 'NASICON 4 sites per formula unit for 1.5 Li (med)'),
    bulkConductivitySPerCm: t(1e-4, 'R', 'physics.md §2: 1e-5–1e-4 typical (wiki LAGP page), upper end'),
    activationEnergyEv: t(0.38, 'M', 'physics.md §2: ~0.35–0.40 (low)'),
  },
  {
    id: 'LiPON',
    name: 'LiPON (amorphous)',
    kind: 'electrolyte',
    epsR: t(5.6, 'C', 'physics.md §2, Li2PO2N DFT'),
    carrierDensityCm3: t(4e22, 'P', 'physics.md §2: density 2.5 g/cm³ assumed'),
    siteDensityCm3: t(8e22, 'P', 'two sites per Li assumed'),
    bulkConductivitySPerCm: t(2.5e-6, 'M', 'physics.md §2: 2–3e-6, Bates (high)'),
    activationEnergyEv: t(0.55, 'M', 'physics.md §2 (high)'),
    neutralityPotentialV: t(
      1.24,
      'C',
      'physics.md §1.2: mwswift/PFD_solution charge-neutrality potential (low-med)',
    ),
  },
];
