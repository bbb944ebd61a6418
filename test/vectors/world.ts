import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { After, setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';

/**
 * The world of the reference-vector features (features/vectors): a scratch directory per
 * scenario, removed after it, and cleanups (servers, impostors) run after it whatever happened.
 * Each vector family keeps what it needs on `state`, keyed by its own step file.
 */
export class VectorWorld extends World {
  private scratchDir: string | null = null;
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  /** Per-family state of one scenario (the input built, the verdict computed). */
  readonly state = new Map<string, unknown>();

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** A scratch directory of this scenario. */
  async dir(): Promise<string> {
    this.scratchDir ??= await mkdtemp(join(tmpdir(), 'ccaas-vector-'));
    return this.scratchDir;
  }

  /** Runs `f` after the scenario, last registered first. */
  onCleanup(f: () => Promise<void> | void): void {
    this.cleanups.push(f);
  }

  get<T>(key: string): T {
    if (!this.state.has(key)) throw new Error(`no ${key} yet: a Given or When step is missing before this one`);
    return this.state.get(key) as T;
  }

  /** Runs every cleanup even when one throws, removes the scratch dir, then reports the first failure. */
  async close(): Promise<void> {
    let first: unknown = null;
    for (const f of this.cleanups.reverse()) {
      try {
        await f();
      } catch (e) {
        first ??= e;
      }
    }
    if (this.scratchDir) await rm(this.scratchDir, { recursive: true, force: true });
    if (first !== null) throw first;
  }
}

setWorldConstructor(VectorWorld);

After(async function (this: VectorWorld) {
  await this.close();
});
