import { describe, expect, it } from 'vitest';
import { encodeText, prepareData, splitStats, tokenize } from '../src/data/dataset.js';
import { FileFormatError, imdbPathInfo, parseDelimited, parseLabeledFile, selectImdbFiles, toClasses } from '../src/data/parse-file.js';
import { isBalanced, sequenceTask } from '../src/data/sequence-tasks.js';
import { builtinCorpus, syntheticReviews } from '../src/data/synthetic.js';
import { Vocab } from '@recur/text';

describe('built-in corpus (copy of the CLI generator)', () => {
  it('reproduces samples the CLI generator produced (apps/cli at e4e1f6b)', () => {
    const r = syntheticReviews({ count: 5, seed: 42 });
    expect(r[0]).toEqual({ text: 'the critics said it would be bland . the ending turned out so bland , but the script seemed clever .', label: 1 });
    expect(r[3]).toEqual({ text: 'i went in with no expectations . my friend warned it was clumsy . although the movie is good , the second half seemed hardly so moving .', label: 0 });
    const b = builtinCorpus({ train: 3, test: 2 });
    expect(b.train[1]!.text).toBe('it is based on a novel i have not read . the first hour felt not at all charming , but the script felt clever . i had heard a lot about it before .');
    expect(b.test).toEqual([
      { text: 'the trailer warned it was engaging . the cast is never moving . the story turned out bad too .', label: 0 },
      { text: 'the poster claimed it was great . the acting turned out hardly awful , but the plot is not at all brilliant .', label: 0 },
    ]);
  });
});

describe('sequence tasks', () => {
  it('labels brackets by balance, at the asked length, about half each', () => {
    const xs = sequenceTask({ task: 'brackets', count: 400, length: 30, seed: 3 });
    for (const x of xs) {
      expect(x.text).toHaveLength(30);
      expect(x.label).toBe(isBalanced(x.text) ? 1 : 0);
    }
    const pos = xs.filter((x) => x.label === 1).length;
    expect(pos).toBeGreaterThan(160);
    expect(pos).toBeLessThan(240);
  });

  it('labels recall by the first symbol and is deterministic', () => {
    const xs = sequenceTask({ task: 'recall', count: 200, length: 50, seed: 9 });
    for (const x of xs) {
      expect(x.label).toBe(x.text[0] === 'X' ? 1 : 0);
      expect(x.text.slice(1)).toMatch(/^[a-h]{49}$/);
    }
    expect(sequenceTask({ task: 'recall', count: 200, length: 50, seed: 9 })).toEqual(xs);
    expect(() => sequenceTask({ task: 'recall', count: 1, length: 1, seed: 1 })).toThrow(/length must be an integer ≥ 2/);
  });

  it('isBalanced', () => {
    expect(isBalanced('(()())')).toBe(true);
    expect(isBalanced('())(()')).toBe(false);
    expect(isBalanced('((')).toBe(false);
  });
});

describe('dropped files', () => {
  it('parses CSV with quotes, escaped quotes, commas and newlines inside fields', () => {
    expect(parseDelimited('text,label\n"a, ""b""\nc",1\nplain,0\n', ',')).toEqual([['text', 'label'], ['a, "b"\nc', '1'], ['plain', '0']]);
    expect(parseLabeledFile('x.csv', 'label,text\npos,"great, truly"\nneg,awful\n')).toEqual([
      { text: 'great, truly', label: 'pos' }, { text: 'awful', label: 'neg' },
    ]);
  });

  it('reads headerless TSV as text then label, and JSONL objects', () => {
    expect(parseLabeledFile('x.tsv', 'good fun\t1\r\nawful\t0\n')).toEqual([{ text: 'good fun', label: '1' }, { text: 'awful', label: '0' }]);
    expect(parseLabeledFile('x.jsonl', '{"text":"fine","label":1}\n\n{"review":"bad","sentiment":"negative"}\n')).toEqual([
      { text: 'fine', label: '1' }, { text: 'bad', label: 'negative' },
    ]);
  });

  it('names the file and line of what is wrong', () => {
    expect(() => parseLabeledFile('r.tsv', 'good\t1\nno label here\n')).toThrow(/r\.tsv: line 2 has no tab-separated label/);
    expect(() => parseLabeledFile('r.jsonl', '{"text":"a","label":1}\n{oops\n')).toThrow(/r\.jsonl: line 2 is not valid JSON/);
    expect(() => parseLabeledFile('r.jsonl', '{"words":"a"}\n')).toThrow(/line 1 needs a "text" and a "label"/);
    expect(() => parseLabeledFile('r.csv', '"never closed,1\n')).toThrow(/r\.csv: the quote opened on line 1 is never closed/);
    expect(() => parseLabeledFile('model.bin', 'x')).toThrow(FileFormatError);
    expect(() => parseLabeledFile('empty.csv', '')).toThrow(/empty\.csv: the file is empty/);
  });

  it('maps binary spellings to negative/positive and other labels to sorted classes', () => {
    expect(toClasses([{ text: 'a', label: 'POS' }, { text: 'b', label: '0' }])).toEqual({
      classes: ['negative', 'positive'], records: [{ text: 'a', label: 1 }, { text: 'b', label: 0 }],
    });
    expect(toClasses([{ text: 'a', label: 'sports' }, { text: 'b', label: 'arts' }]).records.map((r) => r.label)).toEqual([1, 0]);
    expect(() => toClasses([{ text: 'a', label: '1' }, { text: 'b', label: '1' }], 'f.tsv')).toThrow(/f\.tsv: every record has the same label/);
    const many = Array.from({ length: 30 }, (_, i) => ({ text: 't', label: `l${i}` }));
    expect(() => toClasses(many, 'f.csv')).toThrow(/30 distinct labels .* is the label the last column\?/);
  });

  it('finds aclImdb reviews and picks an even sample per split and label', () => {
    expect(imdbPathInfo('aclImdb/train/pos/10_9.txt')).toEqual({ split: 'train', label: 1 });
    expect(imdbPathInfo('/aclImdb/test/neg/3_1.txt')).toEqual({ split: 'test', label: 0 });
    expect(imdbPathInfo('aclImdb/train/unsup/1_0.txt')).toBeNull();
    expect(imdbPathInfo('aclImdb/train/labeledBow.feat')).toBeNull();
    const files = ['pos', 'neg'].flatMap((l) => Array.from({ length: 10 }, (_, i) => ({ path: `aclImdb/train/${l}/${i}_7.txt` })));
    const chosen = selectImdbFiles(files, 3);
    expect(chosen.map((c) => c.path)).toEqual(['aclImdb/train/neg/0_7.txt', 'aclImdb/train/neg/3_7.txt', 'aclImdb/train/neg/6_7.txt', 'aclImdb/train/pos/0_7.txt', 'aclImdb/train/pos/3_7.txt', 'aclImdb/train/pos/6_7.txt']);
    expect(() => selectImdbFiles([{ path: 'notes/readme.txt' }], 3)).toThrow(/no aclImdb reviews/);
  });
});

describe('prepareData', () => {
  it('builds the vocabulary on the training split and encodes flat splits', () => {
    const d = prepareData({
      name: 't', tokenizer: 'basic_english', classes: ['neg', 'pos'], maxLen: 3,
      train: [{ text: 'Great fun, really', label: 1 }, { text: 'awful', label: 0 }, { text: '', label: 0 }],
      valid: [{ text: 'great unknownword', label: 1 }],
    });
    expect(d.vocab.tokens).toEqual(['<unk>', '<pad>', ',', 'awful', 'fun', 'great']);
    expect(splitStats(d.train)).toEqual({ count: 2, meanLen: 2, maxLen: 3 }); // empty text dropped, first cut at 3
    expect(Array.from(d.train.ids)).toEqual([5, 4, 2, 3]);
    expect(Array.from(d.valid.ids)).toEqual([5, 0]);
    expect(d.padIndex).toBe(1);
    const { tokens, ids } = encodeText(Vocab.fromJSON(d.vocab), 'basic_english', 'Awful!', 10);
    expect(tokens).toEqual(['awful', '!']);
    expect(Array.from(ids)).toEqual([3, 0]);
    expect(tokenize('chars', '(( ) )')).toEqual(['(', '(', ')', ')']);
  });

  it('holds out a seeded validation share when no validation set is given', () => {
    const train = Array.from({ length: 50 }, (_, i) => ({ text: `w${i}`, label: i % 2 }));
    const a = prepareData({ name: 't', tokenizer: 'basic_english', classes: ['a', 'b'], train, validShare: 0.2, maxLen: 5 });
    expect(splitStats(a.train).count).toBe(40);
    expect(splitStats(a.valid).count).toBe(10);
    expect(prepareData({ name: 't', tokenizer: 'basic_english', classes: ['a', 'b'], train, validShare: 0.2, maxLen: 5 }).valid).toEqual(a.valid);
  });
});
