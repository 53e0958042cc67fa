import { describe, expect, it } from 'vitest';
import { normaliseOrigins } from './origins.js';

describe('normaliseOrigins', () => {
  it('keeps origins in URL.origin form, once each', () => {
    expect(normaliseOrigins(['https://App.Example.com/', 'https://app.example.com', 'http://localhost:3000'], { allowAny: false }))
      .toEqual(['https://app.example.com', 'http://localhost:3000']);
  });
  it('takes "*" alone and only where the list allows it', () => {
    expect(normaliseOrigins(['*'], { allowAny: true })).toEqual(['*']);
    expect(() => normaliseOrigins(['*'], { allowAny: false })).toThrow(/origins\[0\]: "\*" is not allowed here/);
    expect(() => normaliseOrigins(['https://a.example.com', '*'], { allowAny: true })).toThrow(/origins\[1\]: .*only entry/);
  });
  it('names the entry that is not an http(s) origin', () => {
    expect(() => normaliseOrigins(['https://a.example.com', 'https://b.example.com/x'], { allowAny: true })).toThrow(/origins\[1\]: must be an origin only .*https:\/\/b\.example\.com/);
    expect(() => normaliseOrigins(['ws://a.example.com'], { allowAny: true })).toThrow(/origins\[0\]: must be http\(s\)/);
    expect(() => normaliseOrigins(['a.example.com'], { allowAny: true })).toThrow(/origins\[0\]: not a valid URL/);
  });
});
