import { redactUrl } from './logging';

describe('redactUrl', () => {
  it('replaces the values of credential query parameters, whatever their case or encoding', () => {
    expect(redactUrl('/api/v1/vcenters?access_token=s3cret&limit=5')).toBe(
      '/api/v1/vcenters?access_token=[REDACTED]&limit=5',
    );
    expect(redactUrl('/x?Password=a&api%5Fkey=b&token')).toBe(
      '/x?Password=[REDACTED]&api%5Fkey=[REDACTED]&token=[REDACTED]',
    );
  });

  it('leaves other URLs alone, including undecodable ones', () => {
    expect(redactUrl('/api/v1/inventory/snapshots?vcenter=vc01&limit=2')).toBe(
      '/api/v1/inventory/snapshots?vcenter=vc01&limit=2',
    );
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
  });
});
