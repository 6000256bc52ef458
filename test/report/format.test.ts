import * as _ from '../../src/report/format';

describe('report/format', () => {
  describe('markdownTable', () => {
    it('should right-align numeric columns and escape pipes', () => {
      expect(_.markdownTable({ columns: ['a', 'n'], rows: [['x|y', 1.5], ['z', '2.0x*']] })).toBe(
        '| a | n |\n| --- | ---: |\n| x\\|y | 1.5 |\n| z | 2.0x* |');
    });
  });

  describe('csvTable', () => {
    it('should quote fields with commas, quotes or newlines and leave missing values empty', () => {
      expect(_.csvTable({ columns: ['a', 'b'], rows: [['1,2', 'say "hi"'], [undefined, 3]] })).toBe('a,b\n"1,2","say ""hi"""\n,3\n');
    });
  });

  describe('parseCsv', () => {
    it('should read quoted lists as Python writes them, and CRLF lines', () => {
      expect(_.parseCsv('F,On chip\r\n32,"[0.5, 2.25]"\r\n42,1\r\n')).toEqual({ header: ['F', 'On chip'], rows: [['32', '[0.5, 2.25]'], ['42', '1']] });
    });

    it('should round-trip what csvTable writes', () => {
      const t = { columns: ['a', 'b'], rows: [['x,"y"', 'line\nbreak']] };
      expect(_.parseCsv(_.csvTable(t))).toEqual({ header: ['a', 'b'], rows: [['x,"y"', 'line\nbreak']] });
    });
  });

  describe('percentile', () => {
    it('should use the nearest rank', () => {
      expect(_.percentile([5, 1, 3, 2, 4], 50)).toBe(3);
      expect(_.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
      expect(_.percentile([], 50)).toBeUndefined();
    });
  });

  describe('ms', () => {
    it('should keep about four significant digits', () => {
      expect([_.ms(0.12345), _.ms(12.345), _.ms(123.45), _.ms(undefined)]).toEqual(['0.123', '12.35', '123.5', '']);
    });
  });
});
