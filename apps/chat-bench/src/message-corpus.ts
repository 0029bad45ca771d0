/**
 * The text of the bench's stored messages: words of a Russian and English team chat drawn with a
 * Zipf-like frequency (the word of rank r about 1/r as often as the first), so a search meets
 * posting lists of realistic lengths: a few huge (the common word), many middling, and a planted
 * rare word. Stop words lead the ranking as they do in real text; the search's `russian`
 * configuration leaves them out of the index.
 */
export const VOCABULARY: readonly string[] = `
  и в не я на что это the to сервер а так да ну но по как is it у уже ok если есть проверить он с
  of and можно deploy все тест нужно сейчас for билд надо вот сервера завтра сегодня ещё посмотри
  работает ошибка релиз prod in спасибо думаю потом PR база логи мне тоже merge fix проверка bug
  задача клиент API docker почему время конфиг было будет очередь миграция готово лучше вроде we
  this build test пользователь запрос ответ страница кнопка чат сообщение комната поиск индекс
  проверил таблица запуск упал поднял перезапустил обновил ветка коммит ревью созвон встреча митинг
  утром вечером неделя пятница понедельник час минут секунд быстро медленно долго памяти диск
  процессор нагрузка метрики алерт графана кластер нода кубер деплой откат версия фича флаг
  настройки доступ пароль токен сессия логин регистрация профиль аватар картинка файл загрузка
  скачать ссылка документация readme тикет спринт бэклог оценка дизайн макет фронт бэк мобилка
  браузер хром сафари кэш redis postgres nginx ssl домен сертификат ключ секрет переменная
  окружение стейдж локально ноутбук провайдер сеть таймаут задержка пинг трафик запросов ответов
  ошибки ошибок предупреждение исключение стектрейс баг фикс патч хотфикс провод тесты юнит
  интеграционные покрытие линтер форматирование typescript node nest react vue jest webpack npm
  пакет зависимость обновление уязвимость безопасность аудит права роль модератор админ бан спам
  жалоба удалить изменить отправить получить прочитать непрочитанные уведомление пуш почта письмо
  email telegram slack канал тред реакция эмодзи стикер гифка голосовое видео звонок экран
  демонстрация запись провалился hello thanks please sorry maybe tomorrow today later check looks
  good great works broken issue fixed merged review approve comment question answer meeting call
  sync update release deadline проверю
`
  .trim()
  .split(/\s+/);

/** Words in a message: uniform from MIN to MAX (the rare word, where planted, comes on top). */
export const MESSAGE_WORDS_MIN = 2;
export const MESSAGE_WORDS_MAX = 12;

/**
 * The three timed searches. The rare word is in no vocabulary word: it is planted in about
 * RARE_PLANTED general messages. The common word is the vocabulary's 10th (with its genitive at
 * the 40th, the same stem): in about one message in seven. The prefix is the start of seven
 * vocabulary words (проверить, проверка, проверил, проверю, провайдер, провод, провалился).
 */
export const SEARCHES = { rare: 'квазар', common: 'сервер', prefix: 'пров*' } as const;
export type SearchKind = keyof typeof SEARCHES;
export const RARE_PLANTED = 25;

/**
 * A message's text as SQL, for an INSERT ... SELECT: `words` (a column of the select, from
 * MESSAGE_WORDS_MIN to MESSAGE_WORDS_MAX) words of `vocabulary` (a text[] expression), the rank of
 * each floor((V + 1)^u) for u uniform in [0, 1), which is r with probability ln((r + 1) / r) /
 * ln(V + 1), about 1 / (r ln V); `rare` (SQL: the rare word or NULL) after the first word. No
 * subquery per row: MESSAGE_WORDS_MAX slots, each a word or NULL, joined by concat_ws (which skips
 * the NULLs).
 */
export function messageTextSql(vocabulary: string, words: string, rare: string): string {
  const word = `(${vocabulary})[floor(power(cardinality(${vocabulary}) + 1, random()))::int]`;
  const slots = Array.from(
    { length: MESSAGE_WORDS_MAX },
    (_, i) => `CASE WHEN ${words} > ${i} THEN ${word} END`,
  );
  return `concat_ws(' ', ${[slots[0], rare, ...slots.slice(1)].join(', ')})`;
}

/** The count of words of a message as SQL: uniform from MESSAGE_WORDS_MIN to MESSAGE_WORDS_MAX. */
export const MESSAGE_WORDS_SQL = `${MESSAGE_WORDS_MIN} + floor(random() * ${
  MESSAGE_WORDS_MAX - MESSAGE_WORDS_MIN + 1
})::int`;
