import { describe, expect, it } from 'vitest';
import { find, findAll, parseXml, textOf } from './xml.js';

describe('the ONVIF XML reader', () => {
  it('reads elements by local name whatever their prefix, with attributes, entities and CDATA', () => {
    const doc = parseXml('<?xml version="1.0"?><!-- c --><s:Envelope xmlns:s="x"><s:Body><a:R t=\'1\' b:k="v&amp;w"><a:N>A &lt;b&gt; &#x41;&#66;</a:N><a:N><![CDATA[<raw>]]></a:N><e/></a:R></s:Body></s:Envelope>');
    expect(doc.name).toBe('Envelope');
    const r = find(doc, 'Body', 'R')!;
    expect(r.attrs).toEqual({ t: '1', k: 'v&w' });
    expect(findAll(r, 'N').map((n) => n.text)).toEqual(['A <b> AB', '<raw>']);
    expect(textOf(doc, 'Body', 'Missing')).toBeUndefined();
  });

  it('refuses a DOCTYPE (no entity expansion), mismatched and unclosed tags', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toThrow(/DOCTYPE/);
    expect(() => parseXml('<a><b></a>')).toThrow(/unexpected/);
    expect(() => parseXml('<a><b>')).toThrow(/unclosed/);
    expect(() => parseXml('<a/><b/>')).toThrow(/one root/);
  });
});
