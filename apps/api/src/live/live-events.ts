import type { AlertView, TwinStatePayload } from '@twin/contracts';

/** Every event the server pushes on `/live`, with its payload type: the typed client surface. */
export interface LiveClientEventMap {
  twin: TwinStatePayload;
  spectrum: import('../eis/spectra.repository').StoredSpectrum;
  alert: AlertView;
  'import.progress': import('../imports/import-progress').ImportProgressPayload;
  'replay.progress': import('../replays/replay-run').ReplayProgressPayload;
}

export const CELL_ROOM_PREFIX = 'cell:';
export const cellRoom = (cellId: string) => `${CELL_ROOM_PREFIX}${cellId}`;
export const replayRoom = (replayId: string) => `replay:${replayId}`;
