import { ConfigReader } from '@backstage/config';
import { DEFAULT_RUNNER_NETWORK } from '../provisioning/render';
import { readRunnerNetwork } from './runnerNetwork';

const read = (runnerNetwork: object) =>
  readRunnerNetwork(new ConfigReader({ runnerNetwork }));

describe('runners.runnerNetwork', () => {
  it('defaults to DNS and the internet, nothing in the cluster', () => {
    expect(readRunnerNetwork(new ConfigReader({}))).toBe(
      DEFAULT_RUNNER_NETWORK,
    );
    expect(DEFAULT_RUNNER_NETWORK).toMatchObject({
      gitlab: [],
      registry: [],
      internet: true,
    });
    expect(DEFAULT_RUNNER_NETWORK.clusterCidrs).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16']),
    );
  });

  it('reads GitLab in the cluster, a registry by address, and the internet switched off', () => {
    expect(
      read({
        gitlab: [
          {
            namespace: 'gitlab',
            podLabels: { app: 'webservice' },
            ports: [8181],
          },
        ],
        registry: [{ cidrs: ['10.20.0.15/32', 'fd00::15/128'] }],
        internet: false,
        clusterCidrs: ['10.0.0.0/8'],
      }),
    ).toEqual({
      gitlab: [
        {
          namespace: 'gitlab',
          podLabels: { app: 'webservice' },
          ports: [8181],
        },
      ],
      registry: [{ cidrs: ['10.20.0.15/32', 'fd00::15/128'], ports: [443] }],
      internet: false,
      clusterCidrs: ['10.0.0.0/8'],
      dns: DEFAULT_RUNNER_NETWORK.dns,
    });
  });

  it.each([
    [
      { gitlab: [{ ports: [443] }] },
      "runners.runnerNetwork.gitlab[0]': needs cidrs",
    ],
    [
      { registry: [{ cidrs: ['10.1.2.3'] }] },
      "runners.runnerNetwork.registry[0].cidrs[0]': must be a CIDR",
    ],
    [
      { gitlab: [{ cidrs: ['10.1.2.3/32'], namespace: 'gitlab' }] },
      'takes cidrs or namespace, not both',
    ],
    [
      { gitlab: [{ namespace: 'gitlab', ports: [70000] }] },
      "runners.runnerNetwork.gitlab[0].ports[0]': must be a TCP port",
    ],
    [
      { clusterCidrs: ['everything'] },
      "runners.runnerNetwork.clusterCidrs[0]'",
    ],
  ])('refuses %j, naming the key', (value, message) => {
    expect(() => read(value)).toThrow(message);
  });
});
