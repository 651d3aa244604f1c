import { gzipSync } from 'node:zlib';
import { dataComplete, startApp, waitForState } from './helpers.mjs';
const idxLabels = (labels) => { const b = Buffer.alloc(8 + labels.length); b.writeUInt32BE(2049, 0); b.writeUInt32BE(labels.length, 4); labels.forEach((l, i) => (b[8 + i] = l)); return b; };
const idxImages = (n) => { const b = Buffer.alloc(16 + n * 784); b.writeUInt32BE(2051, 0); b.writeUInt32BE(n, 4); b.writeUInt32BE(28, 8); b.writeUInt32BE(28, 12); return b; };
const f = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
const app = await startApp();
const { page } = app;
try {
  await page.goto(app.url);
  await dataComplete(page);
  await waitForState(page, 'ready');
  await page.screenshot({ path: '/tmp/kmb-full.png', fullPage: true });
  const sets = [
    [f('train-labels', idxLabels([1, 2, 12])), f('train-images', idxImages(3))],
    [f('train-labels', idxLabels([1, 2])), f('train-images', idxImages(3))],
    [f('train-labels.gz', gzipSync(idxLabels([1, 2, 3]))), f('train-images.gz', gzipSync(idxImages(3)).subarray(0, 30))],
    [f('t10k-images', idxImages(2).subarray(0, 900)), f('t10k-labels', idxLabels([1, 2]))],
    [f('x-images', Buffer.concat([idxImages(1).subarray(0, 8), Buffer.from([0,0,0,32,0,0,0,28])])), f('x-labels', idxLabels([1]))],
  ];
  for (const s of sets) {
    await page.getByTestId('data-files').setInputFiles(s);
    await page.waitForSelector('[data-testid=error]:not([hidden])');
    console.log('DATA:', await page.getByTestId('error').textContent());
    await page.locator('#dismiss-error').click();
  }
  for (const [name, buf] of [['a.weights', Buffer.from('hello')], ['b.weights', Buffer.alloc(0)]]) {
    await page.getByTestId('import-weights').setInputFiles(f(name, buf));
    await page.waitForSelector('[data-testid=error]:not([hidden])');
    console.log('IMPORT:', await page.getByTestId('error').textContent());
  }
  await page.screenshot({ path: '/tmp/kmb-error.png' });
  await page.locator('#dismiss-error').click();
  await page.getByTestId('reset').click();
  await page.screenshot({ path: '/tmp/kmb-dialog.png' });
  await page.keyboard.press('Escape');
  await page.getByTestId('learning-rate').fill('1');
  await page.getByTestId('batch-size').fill('8');
  await page.getByTestId('train').click();
  await page.waitForTimeout(8000);
  console.log('STATE after lr=1:', await page.getByTestId('status').getAttribute('data-state'), await page.getByTestId('error').textContent());
  await page.screenshot({ path: '/tmp/kmb-lr1.png' });
} finally { await app.close(); }
