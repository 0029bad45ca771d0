import { mentionParts } from './mention-text';

describe('mentionParts', () => {
  it('cuts the text at each @name, telling the viewer’s own apart', () => {
    expect(mentionParts('hi @Ann and @[Bob Stone], see @ann.', 'ann')).toEqual([
      { text: 'hi ' },
      { text: '@Ann', mention: 'mine' },
      { text: ' and ' },
      { text: '@[Bob Stone]', mention: 'other' },
      { text: ', see ' },
      { text: '@ann', mention: 'mine' },
      { text: '.' },
    ]);
  });

  it('takes the longest name first, and leaves e-mail addresses and plain text alone', () => {
    expect(mentionParts('@al @alice', 'alice')).toEqual([
      { text: '@al', mention: 'other' },
      { text: ' ' },
      { text: '@alice', mention: 'mine' },
    ]);
    expect(mentionParts('mail ann@example.org', 'ann')).toEqual([{ text: 'mail ann@example.org' }]);
    expect(mentionParts('', 'ann')).toEqual([]);
  });
});
