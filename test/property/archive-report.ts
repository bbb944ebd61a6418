/**
 * Keeps the last failing case of a property so the report can show it compactly (fast-check's own
 * report prints whole values, which for archives are kilobytes of bytes).
 */
export class LastFailure {
  private text: string | null = null;
  /** Runs `check`; on failure remembers `describe()` and the error, then rethrows. */
  async run(describe: () => string, check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (e) {
      this.text = `${e instanceof Error ? e.message : String(e)}\n${describe()}`;
      throw e;
    }
  }
  /** Writes the last failure (the shrunk counterexample) to stderr. */
  report(): void {
    if (this.text !== null) process.stderr.write(`# last failing case:\n${this.text.slice(0, 6000)}\n`);
  }

  /** Runs a whole property: on failure the last failing case is reported; `cleanup` runs either way. */
  async assert(property: () => Promise<void>, cleanup: () => void): Promise<void> {
    try {
      await property();
    } catch (e) {
      this.report();
      throw e;
    } finally {
      cleanup();
    }
  }
}
