import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { plainWidth, plainWrap } from '../../scripts/lean-start/plain-text.ts';

/** Every text of up to `length` pieces: words, runs of spaces, newlines, a word longer than a row. */
function* texts(length: number): Generator<string> {
  const pieces = ['ab', 'x', ' ', '   ', '\n', 'overlongword', '-o', '[a|b]'];
  if (length === 0) {
    yield '';
    return;
  }
  for (const shorter of texts(length - 1)) for (const piece of pieces) yield shorter + piece;
}

describe('plain text width and wrap (the build uses them for help)', () => {
  it('wraps as wrap-ansi does, soft and hard, at any width', () => {
    let compared = 0;
    for (let length = 0; length <= 3; length++) {
      for (const text of texts(length)) {
        for (let columns = 1; columns <= 14; columns++) {
          for (const hard of [false, true]) {
            assert.equal(
              plainWrap(text, columns, { hard }),
              wrapAnsi(text, columns, { hard }),
              JSON.stringify({ text, columns, hard }),
            );
            compared++;
          }
        }
      }
    }
    assert.ok(compared > 10_000);
  });

  it('measures printable ASCII as string-width does', () => {
    for (const text of ['', 'a', 'kubectl mimt ls [TENANT]', '  --output=json  ', '~!@#$%^&*()_+{}|:"<>?']) {
      assert.equal(plainWidth(text), stringWidth(text));
    }
  });

  it('leaves colour, tabs and non-ASCII text to the libraries', () => {
    for (const text of ['\u001b[1mbold\u001b[22m', 'a\tb', 'width…', '漢字', 'crlf\r\n']) {
      assert.equal(plainWidth(text), undefined);
      assert.equal(plainWrap(text, 10, { hard: true }), undefined);
    }
    assert.equal(plainWrap('a b', 10, { trim: false }), undefined);
    assert.equal(plainWrap('a b', 10, { wordWrap: false }), undefined);
    assert.equal(plainWrap('a b', 0), undefined);
  });
});
