import { createHmac } from 'node:crypto';
import {
  generateUniqueSystemId,
  runGuestShellScript,
  runnerSystemId,
  SYSTEM_ID_PATTERN,
} from './systemId';
import { linuxGuest, windowsGuest } from './guest';

// Upstream: gitlab-runner commands/internal/configfile/system_id_state.go —
// loadFromFile (regex ^[sr]_[0-9a-zA-Z]{12}$ on the trimmed content), GenerateUniqueSystemID
// (s_ + HMAC-SHA256(machine id, "gitlab-runner")[:12]) and generateRandomSystemID (r_ + 12).
describe('gitlab-runner system_id (system_id_state.go)', () => {
  it('uses a valid .runner_system_id, trimmed', () => {
    expect(runnerSystemId('s_0123456789ab\n')).toEqual({
      systemId: 's_0123456789ab',
      fromFile: true,
    });
    expect(runnerSystemId('r_ABCdef012345').systemId).toBe('r_ABCdef012345');
  });

  it.each([
    ['missing', undefined],
    ['a VMI name', 'rf-builds-x7k2p'],
    ['too short', 's_0123'],
    ['wrong prefix', 'x_0123456789ab'],
    ['a dash inside', 's_01234-6789ab'],
  ])('falls back to a random r_ id when the file is %s', (_what, content) => {
    const first = runnerSystemId(content);
    const second = runnerSystemId(content);
    expect(first.fromFile).toBe(false);
    expect(first.systemId).toMatch(/^r_[0-9a-zA-Z]{12}$/);
    expect(first.systemId).not.toBe(second.systemId);
  });

  it('derives s_ from the machine id as GenerateUniqueSystemID does', () => {
    const mac = createHmac('sha256', 'abc')
      .update('gitlab-runner')
      .digest('hex');
    expect(generateUniqueSystemId('abc')).toBe(`s_${mac.slice(0, 12)}`);
    expect(SYSTEM_ID_PATTERN.test(generateUniqueSystemId('abc'))).toBe(true);
  });

  it('runs guest shell scripts with the VMI name as hostname', () => {
    expect(runGuestShellScript('#!/bin/sh\nhostname\n', 'vm-1')).toBe('vm-1\n');
    expect(runGuestShellScript('#!/bin/sh\nexit 3\n', 'vm-1')).toBeUndefined();
  });
});

describe('guest shutdown rules', () => {
  const cloudConfig = (dropIn: string, poweroff?: string) =>
    `#cloud-config\n${JSON.stringify({
      write_files: [
        {
          path: '/etc/systemd/system/gitlab-runner.service.d/10.conf',
          content: dropIn,
        },
        ...(poweroff
          ? [
              {
                path: '/etc/systemd/system/poweroff.target.d/10.conf',
                content: poweroff,
              },
            ]
          : []),
      ],
    })}`;

  it('cuts jobs when gitlab-runner is not stopped with SIGQUIT (SIGTERM is forceful)', () => {
    const boot = linuxGuest(
      cloudConfig('[Service]\nTimeoutStopSec=3600\n'),
      'vm',
    );
    expect(boot.shutdown.drainSeconds).toBe(0);
  });

  it('cuts jobs when docker may stop in parallel (no After=docker.service)', () => {
    const boot = linuxGuest(
      cloudConfig('[Service]\nKillSignal=SIGQUIT\nTimeoutStopSec=3600\n'),
      'vm',
    );
    expect(boot.shutdown.drainSeconds).toBe(0);
  });

  it("is bounded by poweroff.target's 30-minute JobTimeoutSec unless overridden", () => {
    const dropIn =
      '[Unit]\nAfter=docker.service\n[Service]\nKillSignal=SIGQUIT\nTimeoutStopSec=3660\n';
    expect(linuxGuest(cloudConfig(dropIn), 'vm').shutdown.drainSeconds).toBe(
      1800,
    );
    expect(
      linuxGuest(cloudConfig(dropIn, '[Unit]\nJobTimeoutSec=3720\n'), 'vm')
        .shutdown.drainSeconds,
    ).toBe(3660);
    // systemd's DefaultTimeoutStopSec when the unit sets none.
    expect(
      linuxGuest(
        cloudConfig(
          '[Unit]\nAfter=docker.service\n[Service]\nKillSignal=SIGQUIT\n',
        ),
        'vm',
      ).shutdown.drainSeconds,
    ).toBe(90);
  });

  it('gives a Windows runner only the service kill timeout without a drain script', () => {
    const boot = windowsGuest(
      { 'x.ps1': "& 'C:\\R\\gitlab-runner.exe' start" },
      'u',
    );
    expect(boot.shutdown.drainSeconds).toBe(5);
    expect(boot.systemIdFile).toBeUndefined();
  });
});
