const STORAGE_KEY = 'operando-twin.token';

/** `#token=abc` (or `#x=1&token=abc`) → "abc"; anything else → null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token')?.trim();
  return token ? token : null;
}

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The viewer token, remembered in the browser so a reload stays signed in. */
export class TokenStore {
  constructor(private readonly storage: TokenStorage) {}

  read(): string | null {
    try {
      return this.storage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  }

  save(token: string): void {
    try {
      this.storage.setItem(STORAGE_KEY, token);
    } catch {
      /* private mode: the token lives for this page only */
    }
  }

  clear(): void {
    try {
      this.storage.removeItem(STORAGE_KEY);
    } catch {
      /* nothing stored */
    }
  }
}
