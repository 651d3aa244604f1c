import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usableLanguage } from '../../www/locale-guard.js';

test('a POSIX "C" language, which Intl refuses, is mended (WebKitGTK under LANG=C)', () => {
  assert.throws(() => new Intl.NumberFormat('C'), RangeError); // what stopped the page in WebKit
  assert.equal(usableLanguage({ language: 'C', languages: ['C'] }), 'en-US');
  assert.equal(usableLanguage({ language: 'C', languages: ['C', 'fr-FR'] }), 'fr-FR');
  assert.equal(usableLanguage({ language: undefined }), 'en-US');
});

test('a valid language is left alone', () => {
  assert.equal(usableLanguage({ language: 'en-GB', languages: ['en-GB'] }), null);
  assert.equal(usableLanguage({ language: 'de', languages: [] }), null);
  assert.equal(usableLanguage(undefined), null);
});
