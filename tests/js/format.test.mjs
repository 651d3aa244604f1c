// Text formatting (www/format.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatInt, formatLoss, formatPercent, formatRate } from '../../www/format.js';

test('formatPercent gives the test-accuracy text, e.g. 98.7%', () => {
  assert.equal(formatPercent(0.98712), '98.7%');
  assert.equal(formatPercent(1), '100.0%');
  assert.equal(formatPercent(0.5, 0), '50%');
  assert.equal(formatPercent(NaN), '–');
});

test('formatInt, formatBytes, formatDuration, formatLoss', () => {
  assert.equal(formatInt(1234567.4), '1,234,567');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1500), '1.5 kB');
  assert.equal(formatBytes(9_876_543), '9.9 MB');
  assert.equal(formatDuration(4.2), '4 s');
  assert.equal(formatDuration(75), '1 min 15 s');
  assert.equal(formatDuration(3700), '1 h 01 min');
  assert.equal(formatDuration(-1), '–');
  assert.equal(formatLoss(2.302585), '2.303');
  assert.equal(formatLoss(0.012345), '0.0123');
});

test('formatRate: two significant digits, small rates in exponent form', () => {
  assert.equal(formatRate(0.0029871), '0.0030');
  assert.equal(formatRate(0.006), '0.0060');
  assert.equal(formatRate(0.00012), '0.00012');
  assert.equal(formatRate(1.5e-6), '1.5e-6');
  assert.equal(formatRate(0), '0');
  assert.equal(formatRate(NaN), '–');
});
