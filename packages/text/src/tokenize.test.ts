import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basicEnglish, charTokenizer, cleanReviewText, wordTokenizer } from './tokenize.js';

const cases = JSON.parse(readFileSync(new URL('../test/fixtures/basic_english.json', import.meta.url), 'utf8')) as { file: string | null; text: string; tokens: string[] }[];

describe('basicEnglish', () => {
  it('matches torchtext basic_english on hand-checked review sentences', () => {
    expect(basicEnglish("This movie wasn't good. It was GREAT!<br /><br />10/10")).toEqual(
      ['this', 'movie', 'wasn', "'", 't', 'good', '.', 'it', 'was', 'great', '!', '10/10']);
    expect(basicEnglish('I loved "Teachers" (the show); really: yes?')).toEqual(
      ['i', 'loved', 'teachers', '(', 'the', 'show', ')', 'really', 'yes', '?']);
    expect(basicEnglish('Worst... film, ever!!')).toEqual(['worst', '.', '.', '.', 'film', ',', 'ever', '!', '!']);
    // <br /> is matched after lowercasing, so <BR /> goes too; <br/> (no space) is not a rule: '/' stays.
    expect(basicEnglish('a<BR />b<br/>c')).toEqual(['a', 'b<br/>c']);
    // U+0085 (IMDB's Windows-1252 "…" debris) is whitespace to Python; U+FEFF is not.
    expect(basicEnglish('wait\u0085what\ufeffnow')).toEqual(['wait', 'what\ufeffnow']);
    expect(basicEnglish('   ')).toEqual([]);
  });

  it(`agrees with the Python rules on ${cases.length} real review snippets`, () => {
    for (const c of cases) expect(basicEnglish(c.text), c.file ?? c.text).toEqual(c.tokens);
  });
});

describe('wordTokenizer', () => {
  it('splits contractions Penn-Treebank style and keeps numbers, URLs, hyphenated words', () => {
    expect(wordTokenizer("I didn't like it... 3/10<br />See www.imdb.com!")).toEqual(
      ['i', 'did', "n't", 'like', 'it', '...', '3/10', 'see', 'www.imdb.com', '!']);
    expect(wordTokenizer("Bromwell High's satire can't be beat; it's a well-made show (1,000 stars), 9.5/10.")).toEqual(
      ['bromwell', 'high', "'s", 'satire', 'ca', "n't", 'be', 'beat', ';', 'it', "'s", 'a', 'well-made', 'show', '(', '1,000', 'stars', ')', ',', '9.5/10', '.']);
    expect(wordTokenizer('Visit https://example.com/a?b=1. Then -- wow -- the 1950s')).toEqual(
      ['visit', 'https://example.com/a?b=1', '.', 'then', '--', 'wow', '--', 'the', '1950s']);
    expect(wordTokenizer("They'll say I'd WON'T", { lowercase: false })).toEqual(['They', "'ll", 'say', 'I', "'d", 'WO', "N'T"]);
  });

  it('repairs Windows-1252 debris, entities and tags, and keeps non-Latin text', () => {
    expect(cleanReviewText('a\u0096b\u0085 &#8230; &amp; <i>x</i>')).toBe('a–b... ... &  x ');
    expect(wordTokenizer('It\u0092s \u0093great\u0094\u0085 Любовь 映画 café')).toEqual(
      ['it', "'s", '"', 'great', '"', '...', 'любовь', '映画', 'café']);
    expect(wordTokenizer('cafe\u0301 😀!')).toEqual(['café', '😀', '!']);
    expect(wordTokenizer('')).toEqual([]);
  });

  it('is deterministic', () => {
    const t = cases[0]!.text;
    expect(wordTokenizer(t)).toEqual(wordTokenizer(t));
  });
});

describe('charTokenizer', () => {
  it('yields code points after NFC, never surrogate halves', () => {
    expect(charTokenizer('ne\u0301😀')).toEqual(['n', 'é', '😀']);
    expect(charTokenizer('AbC', { lowercase: true })).toEqual(['a', 'b', 'c']);
    expect(charTokenizer('e\u0301', { normalize: false })).toEqual(['e', '\u0301']);
  });
});
