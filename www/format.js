// Text for numbers shown on the page. Pure; tested in tests/js/format.test.mjs.

/** 0.98712 -> "98.7%" (NaN -> "–"). */
export function formatPercent(fraction, digits = 1) {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }); // made once: cheap to reuse

/** 1234567 -> "1,234,567". */
export function formatInt(n) {
  if (!Number.isFinite(n)) return '–';
  return INT.format(Math.round(n));
}

/** Bytes in decimal units: 999 -> "999 B", 1_500 -> "1.5 kB", 9_876_543 -> "9.9 MB". */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Seconds as a short duration: 4.2 -> "4 s", 75 -> "1 min 15 s", 3700 -> "1 h 02 min". */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A loss value with sensible precision: 2.30258 -> "2.303", 0.0123 -> "0.0123". */
export function formatLoss(loss) {
  if (!Number.isFinite(loss)) return '–';
  return loss >= 1 ? loss.toFixed(3) : loss.toPrecision(3);
}

/** A learning rate to two significant digits: 0.0029871 -> "0.0030", 1.5e-6 -> "1.5e-6", 0 -> "0". */
export function formatRate(lr) {
  if (!Number.isFinite(lr)) return '–';
  if (lr === 0) return '0';
  return lr >= 1e-4 ? lr.toPrecision(2) : lr.toExponential(1);
}
