import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { childrenCpuMs } from '../../bench/support/cpuProbe.js';

/** bench/skeleton.ts counts the CPU of the processes the CLI waited for from /proc/self/stat. */
describe('the bench CPU probe (bench/support/cpuProbe.ts)', () => {
  it('reads cutime and cstime (fields 16 and 17) in 10 ms ticks, past a command name with spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 200 0 0 37 5 61 9 20 0 11 0 123 456 789';
    assert.equal(childrenCpuMs(stat), 700);
  });

  it('reads this process\'s own /proc/self/stat where there is one', { skip: process.platform !== 'linux' ? 'no /proc here' : false }, () => {
    const ms = childrenCpuMs(readFileSync('/proc/self/stat', 'utf8'));
    assert.ok(ms !== null && ms >= 0);
  });
});
