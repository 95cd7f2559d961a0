import { describe, expect, it } from 'vitest';
import { acceptsCopyFromStdin } from './copy-support';

describe('acceptsCopyFromStdin', () => {
  it('accepts a PostgreSQL server build', () => {
    expect(
      acceptsCopyFromStdin(
        'PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit',
      ),
    ).toBe(true);
  });

  it('refuses the PGlite builds (official and the TimescaleDB fork), whatever they claim to run on', () => {
    expect(
      acceptsCopyFromStdin(
        'PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten, compiled by emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 6.0.5, 32-bit',
      ),
    ).toBe(false);
    expect(
      acceptsCopyFromStdin(
        'PostgreSQL 17.5 on aarch64-unknown-linux-gnu, compiled by emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld) 3.1.74, 32-bit',
      ),
    ).toBe(false);
  });
});
