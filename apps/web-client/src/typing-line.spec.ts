import { typingText } from './typing-line';

it('says who is typing, in words', () => {
  expect(typingText([])).toBe('');
  expect(typingText(['Ann'])).toBe('Ann is typing…');
  expect(typingText(['Ann', 'Bob'])).toBe('Ann and Bob are typing…');
  expect(typingText(['Ann', 'Bob', 'Cy'])).toBe('Ann, Bob and Cy are typing…');
  expect(typingText(['Ann', 'Bob', 'Cy', 'Di'])).toBe('Several people are typing…');
});
