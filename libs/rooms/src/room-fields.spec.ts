import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateRoomDto, UpdateRoomDto, UserIdDto } from './dto/room-requests.dto';
import { roomNameProblem, roomTopicProblem } from './room-fields';

const problems = (dto: object) =>
  validateSync(dto, { stopAtFirstError: true }).map((e) => ({
    field: e.property,
    message: Object.values(e.constraints ?? {})[0],
  }));

describe('room names and topics', () => {
  it.each([
    ['general', null],
    ['  padded  ', null],
    ['x'.repeat(64), null],
    ['😀'.repeat(64), null], // characters, not UTF-16 units
    ['', 'name must be 1 to 64 characters, not blank'],
    ['   ', 'name must be 1 to 64 characters, not blank'],
    ['x'.repeat(65), 'name must be 1 to 64 characters, not blank'],
    ['line\nbreak', 'name must not contain control characters'],
    ['nul\u0000', 'name must not contain control characters'],
    ['esc\u001b[31m', 'name must not contain control characters'],
    ['del\u007f', 'name must not contain control characters'],
    ['lone \ud800', 'name must not contain control characters'],
    [42, 'name must be a string'],
  ])('name %j: %s', (value, problem) => {
    expect(roomNameProblem(value)).toBe(problem);
  });

  it.each([
    ['', null],
    ['x'.repeat(256), null],
    ['x'.repeat(257), 'topic must be at most 256 characters'],
    ['tab\there', 'topic must not contain control characters'],
    [null, 'topic must be a string'],
  ])('topic %j: %s', (value, problem) => {
    expect(roomTopicProblem(value)).toBe(problem);
  });
});

describe('room request bodies', () => {
  it('trims a new room and accepts public and private', () => {
    const dto = plainToInstance(CreateRoomDto, { name: '  team  ', kind: 'private' });
    expect(problems(dto)).toEqual([]);
    expect(dto.name).toBe('team');
  });

  it.each([
    [{ name: 'a', kind: 'direct' }, 'kind'],
    [{ name: 'a' }, 'kind'],
    [{ kind: 'public' }, 'name'],
    [{ name: ' ', kind: 'public' }, 'name'],
    [{ name: 'a', kind: 'public', topic: 'x'.repeat(257) }, 'topic'],
  ])('refuses %j at %s', (body, field) => {
    expect(problems(plainToInstance(CreateRoomDto, body)).map((p) => p.field)).toEqual([field]);
  });

  it('says where direct rooms are made', () => {
    const [problem] = problems(plainToInstance(CreateRoomDto, { name: 'a', kind: 'direct' }));
    expect(problem.message).toMatch(/POST \/api\/v1\/dms/);
  });

  it('refuses a null name or topic in an update instead of ignoring it', () => {
    expect(problems(plainToInstance(UpdateRoomDto, { name: null })).map((p) => p.field)).toEqual([
      'name',
    ]);
    expect(problems(plainToInstance(UpdateRoomDto, { topic: null })).map((p) => p.field)).toEqual([
      'topic',
    ]);
    expect(problems(plainToInstance(UpdateRoomDto, { topic: '' }))).toEqual([]);
  });

  it.each([0, -1, 1.5, 2 ** 31, '5', null])('refuses user_id %j', (userId) => {
    expect(problems(plainToInstance(UserIdDto, { user_id: userId })).map((p) => p.field)).toEqual([
      'user_id',
    ]);
  });

  it('accepts user_id 2^31-1', () => {
    expect(problems(plainToInstance(UserIdDto, { user_id: 2 ** 31 - 1 }))).toEqual([]);
  });
});
