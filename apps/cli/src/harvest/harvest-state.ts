import { readFile, rename, writeFile } from 'node:fs/promises';

/** What the harvester remembers per file between runs. */
export interface HarvestedFileState {
  cellId: string;
  inode: number;
  /** Bytes of the file parsed so far. */
  sizeConsumed: number;
  /** sha256 of the file's first `headLength` bytes: a rewrite shows up as a different head. */
  headLength: number;
  headHash: string;
  /** Highest sample seq (row index) the service acknowledged; -1 = none. */
  lastSeqSent: number;
  /** Spectra of the file already sent, in file order. */
  spectraSent: number;
}

interface StateFileV1 {
  version: 1;
  files: Record<string, HarvestedFileState>;
}

/** The state file, keyed by absolute path, written atomically (temp file + rename) so a crash never leaves it torn. */
export class HarvestStateStore {
  private files: Record<string, HarvestedFileState> = {};
  private dirty = false;

  constructor(readonly path: string) {}

  async load(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<StateFileV1>;
    if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) {
      throw new Error(`${this.path}: not a twin harvest state file (version 1)`);
    }
    this.files = parsed.files;
    return Object.keys(this.files).length;
  }

  get(path: string): HarvestedFileState | undefined {
    return this.files[path];
  }

  set(path: string, state: HarvestedFileState): void {
    const old = this.files[path];
    if (old && JSON.stringify(old) === JSON.stringify(state)) return;
    this.files[path] = { ...state };
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const temp = `${this.path}.tmp`;
    const body: StateFileV1 = { version: 1, files: this.files };
    await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`);
    await rename(temp, this.path);
    this.dirty = false;
  }
}
