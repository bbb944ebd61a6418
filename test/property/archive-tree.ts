import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { bin, display } from '../../src/archive/tar.js';

/** The tree under `root`, listed as the oracle lists it. */
export function treeListing(root: string): string[] {
  const rootBytes = Buffer.from(root);
  const lines: string[] = [];
  const walk = (rel: Buffer | null): void => {
    const abs = rel ? Buffer.concat([rootBytes, Buffer.from('/'), rel]) : rootBytes;
    for (const n of readdirSync(abs, { encoding: 'buffer' }) as Buffer[]) {
      const r = rel ? Buffer.concat([rel, Buffer.from('/'), n]) : n;
      const p = Buffer.concat([rootBytes, Buffer.from('/'), r]);
      const st = lstatSync(p);
      const name = bin(r);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        lines.push(`${name} d ${mode} 0 -`);
        walk(r);
      } else {
        let sum = '-';
        try {
          sum = createHash('sha256').update(readFileSync(p)).digest('hex');
        } catch { /* unreadable */ }
        lines.push(`${name} f ${mode} ${st.size} ${sum}`);
      }
    }
  };
  walk(null);
  return lines.sort((a, b) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))).map(display);
}

