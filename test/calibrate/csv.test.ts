import * as E from 'fp-ts/Either';
import { parseCsv, parseNumbers } from '../../src/calibrate/csv';

describe('calibrate/csv', () => {
  describe('parseCsv', () => {
    it('should read quoted lists with commas and CRLF line ends', () => {
      const r = parseCsv('a,b,c\r\n1,"[0.5, 2.25]",x\r\n2,"say ""hi""",y\r\n', 'f.csv');
      expect(r).toEqual(E.right({ header: ['a', 'b', 'c'], rows: [['1', '[0.5, 2.25]', 'x'], ['2', 'say "hi"', 'y']] }));
    });

    it('should accept a last line without a newline and skip blank lines', () => {
      expect(parseCsv('a,b\n\n1,2', 'f.csv')).toEqual(E.right({ header: ['a', 'b'], rows: [['1', '2']] }));
    });

    it('should name the row whose field count differs from the header', () => {
      expect(parseCsv('a,b\n1,2\n3\n', 'f.csv')).toEqual(E.left({ _tag: 'ConfigInvalid', file: 'f.csv', problems: ['row 3: 1 fields, the header has 2'] }));
    });

    it('should reject an unterminated quote and an empty file', () => {
      const q = parseCsv('a\n"open\n', 'f.csv');
      expect(E.isLeft(q) && q.left._tag === 'ConfigInvalid' && q.left.problems[0]).toMatch(/unterminated quoted field/);
      const e = parseCsv('', 'f.csv');
      expect(E.isLeft(e) && e.left._tag === 'ConfigInvalid' && e.left.problems[0]).toMatch(/empty file/);
    });
  });

  describe('parseNumbers', () => {
    it('should read a number or a bracketed list, and refuse anything else', () => {
      expect(parseNumbers('0.0')).toEqual([0]);
      expect(parseNumbers('[0.76, 2.25]')).toEqual([0.76, 2.25]);
      expect(parseNumbers('')).toBeUndefined();
      expect(parseNumbers('[1, x]')).toBeUndefined();
    });
  });
});
