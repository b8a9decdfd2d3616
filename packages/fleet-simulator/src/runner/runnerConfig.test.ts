import { gzipSync } from 'node:zlib';
import {
  configFromCloudConfig,
  parseRunnerConfig,
  RunnerConfigError,
} from './runnerConfig';
import { durationHint } from './gitlabRunner';

const TOML = `concurrent = 4
check_interval = 3

[[runners]]
name = "payments/linux-large"
url = "http://gitlab.example/"
token = "glrt-abc"
limit = 4
executor = "docker"
`;

describe('config.toml from cloud-init', () => {
  it('takes /etc/gitlab-runner/config.toml from write_files, plain or encoded', () => {
    const plain = `#cloud-config\nwrite_files:\n  - path: /etc/gitlab-runner/config.toml\n    content: |\n${TOML.split(
      '\n',
    )
      .map(l => `      ${l}`)
      .join('\n')}\n`;
    expect(configFromCloudConfig(plain).trim()).toBe(TOML.trim());
    const b64 = `#cloud-config\nwrite_files:\n  - path: /etc/gitlab-runner/config.toml\n    encoding: b64\n    content: ${Buffer.from(
      TOML,
    ).toString('base64')}\n`;
    expect(configFromCloudConfig(b64)).toBe(TOML);
    const gz = `#cloud-config\nwrite_files:\n  - path: /etc/gitlab-runner/config.toml\n    encoding: gz+b64\n    content: ${gzipSync(
      TOML,
    ).toString('base64')}\n`;
    expect(configFromCloudConfig(gz)).toBe(TOML);
  });

  it('names what is wrong', () => {
    expect(() => configFromCloudConfig('#!/bin/sh\necho hi')).toThrow(
      RunnerConfigError,
    );
    expect(() =>
      configFromCloudConfig('#cloud-config\nwrite_files: []\n'),
    ).toThrow(/no write_files entry for \/etc\/gitlab-runner\/config.toml/);
  });

  it('parses concurrent, check_interval and the runners with gitlab-runner’s defaults', () => {
    expect(parseRunnerConfig(TOML, 'test')).toEqual({
      concurrent: 4,
      checkIntervalSeconds: 3,
      runners: [
        {
          name: 'payments/linux-large',
          url: 'http://gitlab.example',
          token: 'glrt-abc',
          limit: 4,
          executor: 'docker',
        },
      ],
      source: 'test',
    });
    expect(
      parseRunnerConfig('[[runners]]\nurl = "u"\ntoken = "t"\n', 'x'),
    ).toMatchObject({
      concurrent: 1,
      checkIntervalSeconds: 3,
      runners: [{ limit: 0, executor: 'shell' }],
    });
    expect(() => parseRunnerConfig('concurrent = 2\n', 'Secret s')).toThrow(
      'Secret s: config.toml has no [[runners]]',
    );
    expect(() => parseRunnerConfig('[[runners]]\nurl = "u"\n', 'x')).toThrow(
      /needs url and token/,
    );
  });

  it('reads the emulator’s duration hint from the job script', () => {
    expect(
      durationHint({
        id: 1,
        token: 't',
        steps: [{ script: ['echo "Job emulated"', 'sleep 420'] }],
      }),
    ).toBe(420);
    expect(
      durationHint({ id: 1, token: 't', steps: [{ script: ['make'] }] }),
    ).toBeUndefined();
  });
});
