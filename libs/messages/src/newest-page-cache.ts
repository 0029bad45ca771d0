/**
 * Newest pages as the JSON text the routes answer, each kept until something that may change it
 * is heard. A read takes the version first and stores its page only if nothing was heard since:
 * a page read from a snapshot older than a change heard meanwhile is never kept.
 */
export class NewestPageCache {
  private readonly pages = new Map<string, string>();
  private currentVersion = 0;

  get version(): number {
    return this.currentVersion;
  }

  get size(): number {
    return this.pages.size;
  }

  /** The page kept under `key`, if any. */
  get(key: string): string | undefined {
    return this.pages.get(key);
  }

  /** Keeps a page read since `version` was taken, unless a change was heard meanwhile. */
  store(key: string, version: number, page: string): void {
    if (version === this.currentVersion) this.pages.set(key, page);
  }

  /** Something that may change the pages was heard, or may have been missed: every page goes. */
  changed(): void {
    this.currentVersion++;
    this.pages.clear();
  }
}
