// Imported first by main.js, before anything that formats numbers at load time (uPlot makes an
// Intl.NumberFormat from navigator.language when its module is evaluated). WebKitGTK under a
// POSIX locale reports navigator.language as "C", which Intl rejects with a RangeError, and the
// whole page would stop before it starts. Such a tag is replaced by the first valid one the
// browser lists, or by 'en-US'.
export function usableLanguage(nav = globalThis.navigator, intl = Intl) {
  const valid = (tag) => {
    try {
      return typeof tag === 'string' && intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  };
  if (!nav || valid(nav.language)) return null; // nothing to mend
  return [...(nav.languages ?? [])].find(valid) ?? 'en-US';
}

const mended = usableLanguage();
if (mended) Object.defineProperty(navigator, 'language', { value: mended, configurable: true });
