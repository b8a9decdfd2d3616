import { ConfigReader } from '@backstage/config';
import { readUsage } from './usage';

const runners = (usage: object) => new ConfigReader({ usage });

describe('runners.usage', () => {
  it('is absent without a usage source', () => {
    expect(readUsage(new ConfigReader({}))).toBeUndefined();
    expect(readUsage(undefined)).toBeUndefined();
  });

  it('reads the Prometheus URL with defaults for the step and the rate window', () => {
    expect(
      readUsage(runners({ prometheus: { url: 'http://prometheus:9090/' } })),
    ).toEqual({
      prometheus: {
        url: 'http://prometheus:9090',
        stepSeconds: 60,
        rateWindowSeconds: 120,
      },
    });
  });

  it('refuses a URL that is not http(s) and a step that is not a whole number, naming the key', () => {
    expect(() =>
      readUsage(runners({ prometheus: { url: 'prometheus:9090' } })),
    ).toThrow(
      "Invalid config at 'runners.usage.prometheus.url': must be the http(s) base URL of a Prometheus HTTP API, e.g. http://prometheus:9090, got 'prometheus:9090'",
    );
    expect(() =>
      readUsage(
        runners({ prometheus: { url: 'http://p:9090', stepSeconds: 0.5 } }),
      ),
    ).toThrow(
      "Invalid config at 'runners.usage.prometheus.stepSeconds': must be a whole number of 1 or more, got 0.5",
    );
  });
});
