import { isServiceUnavailable } from './exception.filter';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isServiceUnavailable', () => {
  it('recognises a refused connection and PostgreSQL connection failures, also wrapped', () => {
    expect(isServiceUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isServiceUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isServiceUnavailable(withCode('connection failure', '08006'))).toBe(true);
    const wrapped = Object.assign(new Error('query failed'), {
      driverError: withCode('terminating', '57P01'),
    });
    expect(isServiceUnavailable(wrapped)).toBe(true);
    expect(isServiceUnavailable(new AggregateError([withCode('x', 'ECONNREFUSED')]))).toBe(true);
  });

  it('leaves query errors and programming errors to be 500s', () => {
    expect(isServiceUnavailable(withCode('duplicate key', '23505'))).toBe(false);
    expect(isServiceUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isServiceUnavailable('not an error')).toBe(false);
  });
});
