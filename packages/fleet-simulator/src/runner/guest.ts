import { parse as parseYaml } from 'yaml';
import { KubeClient } from '../kube/KubeClient';
import { VmiObject } from '../kubevirt/types';
import { LINUX_CONFIG_PATH, USERDATA_KEY } from './runnerConfig';
import {
  runGuestShellScript,
  SYSTEM_ID_FILE,
  windowsSystemIdFile,
} from './systemId';

/** How the guest stops gitlab-runner when the VM shuts down. */
export interface GuestShutdown {
  /** How long running jobs may go on after shutdown starts; 0 = cut at once. */
  drainSeconds: number;
  /** Which rule set the limit, for events and tests. */
  why: string;
}

/** What the guest's boot media decide for gitlab-runner. */
export interface GuestBoot {
  /** Content of `.runner_system_id` beside config.toml when gitlab-runner starts. */
  systemIdFile?: string;
  shutdown: GuestShutdown;
}

// systemd defaults (systemd-system.conf(5) DefaultTimeoutStopSec=90s; systemd.special(7):
// poweroff.target has JobTimeoutSec=30min, JobTimeoutAction=poweroff-force).
const SYSTEMD_STOP_TIMEOUT = 90;
const POWEROFF_JOB_TIMEOUT = 1800;
// Windows: services get WaitToKillServiceTimeout (5 s on current releases) at shutdown; Group
// Policy shutdown scripts get MaxGPOScriptWait (default 600 s).
const WINDOWS_SERVICE_KILL_SECONDS = 5;
const GPO_SCRIPT_WAIT = 600;

interface WriteFile {
  path?: string;
  content?: string;
}

/** `Key=value` lines of systemd unit files, last one wins (as with drop-ins). */
function unitKeys(files: WriteFile[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const file of files) {
    for (const line of (file.content ?? '').split('\n')) {
      const match = /^\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (match) keys.set(match[1], match[2]);
    }
  }
  return keys;
}

function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const match = /^(\d+)(s|min)?$/.exec(value);
  if (!match) return fallback;
  return Number(match[1]) * (match[2] === 'min' ? 60 : 1);
}

/**
 * A Linux guest from its `#cloud-config`: `.runner_system_id` as written by `write_files` or by
 * the script a gitlab-runner `ExecStartPre=` or `runcmd` entry redirects into it (run for real,
 * with the VMI name as hostname); the drain budget from the gitlab-runner and poweroff.target
 * drop-ins.
 */
export function linuxGuest(userData: string, hostname: string): GuestBoot {
  const doc = parseYaml(userData) as {
    write_files?: WriteFile[];
    runcmd?: Array<string | string[]>;
  } | null;
  const files = doc?.write_files ?? [];
  const dir = LINUX_CONFIG_PATH.replace(/\/[^/]+$/, '');
  const idPath = `${dir}/${SYSTEM_ID_FILE}`;
  const runnerDropIns = files.filter(f =>
    f.path?.startsWith('/etc/systemd/system/gitlab-runner.service.d/'),
  );
  const poweroffDropIns = files.filter(f =>
    f.path?.startsWith('/etc/systemd/system/poweroff.target.d/'),
  );
  let systemIdFile = files.find(f => f.path === idPath)?.content;
  if (systemIdFile === undefined) {
    const commands = [
      ...runnerDropIns.flatMap(f => (f.content ?? '').split('\n')),
      ...(doc?.runcmd ?? []).map(c => (Array.isArray(c) ? c.join(' ') : c)),
    ];
    const redirect = new RegExp(
      `([^\\s'"]+)\\s*>\\s*${idPath.replace(/\./g, '\\.')}`,
    );
    for (const command of commands) {
      const script = redirect.exec(command)?.[1];
      const file = files.find(f => f.path === script);
      if (file?.content) {
        systemIdFile = runGuestShellScript(file.content, hostname);
        break;
      }
    }
  }
  const runner = unitKeys(runnerDropIns);
  const poweroff = unitKeys(poweroffDropIns);
  let shutdown: GuestShutdown;
  if (runner.get('KillSignal') !== 'SIGQUIT') {
    shutdown = {
      drainSeconds: 0,
      why: 'gitlab-runner gets SIGTERM: forceful stop',
    };
  } else if (!/\bdocker\.service\b/.test(runner.get('After') ?? '')) {
    shutdown = {
      drainSeconds: 0,
      why: 'gitlab-runner is not ordered after docker.service: docker stops in parallel and kills the job containers',
    };
  } else {
    const stop = seconds(runner.get('TimeoutStopSec'), SYSTEMD_STOP_TIMEOUT);
    const job = seconds(poweroff.get('JobTimeoutSec'), POWEROFF_JOB_TIMEOUT);
    shutdown =
      stop <= job
        ? { drainSeconds: stop, why: `TimeoutStopSec=${stop}` }
        : { drainSeconds: job, why: `poweroff.target JobTimeoutSec=${job}` };
  }
  return { systemIdFile, shutdown };
}

/**
 * A Windows guest from its sysprep media: `.runner_system_id` as the specialize script derives
 * it (see {@link windowsSystemIdFile}); the drain budget from a Group Policy shutdown script that
 * stops gitlab-runner and waits, bounded by `MaxGPOScriptWait`, else the seconds the service
 * manager grants a service at shutdown.
 */
export function windowsGuest(
  media: Record<string, string>,
  firmwareUuid: string | undefined,
): GuestBoot {
  const script = Object.entries(media).find(
    ([key, text]) => key.endsWith('.ps1') && text.includes('gitlab-runner.exe'),
  )?.[1];
  const systemIdFile = script
    ? windowsSystemIdFile(script, firmwareUuid)
    : undefined;
  let shutdown: GuestShutdown = {
    drainSeconds: WINDOWS_SERVICE_KILL_SECONDS,
    why: 'no shutdown script drains gitlab-runner: the service manager kills it after WaitToKillServiceTimeout',
  };
  const registered =
    /psscripts\.ini'[^\n]*\[Shutdown\][^\n]*0CmdLine=[^`"\n]*\\([^\\`"\n]+\.ps1)/.exec(
      script ?? '',
    )?.[1];
  const drain = registered ? media[registered] : undefined;
  const wait =
    /WaitForStatus\('Stopped', \[TimeSpan\]::FromSeconds\((\d+)\)\)/.exec(
      drain ?? '',
    );
  if (drain && /Stop-Service -Name gitlab-runner/.test(drain) && wait) {
    const gpoWait = Number(
      /-Name MaxGPOScriptWait -Type DWord -Value (\d+)/.exec(
        script ?? '',
      )?.[1] ?? GPO_SCRIPT_WAIT,
    );
    const waitSeconds = Number(wait[1]);
    shutdown =
      waitSeconds <= gpoWait
        ? {
            drainSeconds: waitSeconds,
            why: `shutdown script waits ${waitSeconds} s`,
          }
        : { drainSeconds: gpoWait, why: `MaxGPOScriptWait=${gpoWait}` };
  }
  return { systemIdFile, shutdown };
}

/** Reads the VMI's boot media and plays its guest. */
export async function readGuestBoot(
  kube: Pick<KubeClient, 'secretData'>,
  vmi: VmiObject,
): Promise<GuestBoot> {
  const namespace = vmi.metadata.namespace ?? '';
  const volumes = vmi.spec.volumes ?? [];
  const sysprep = volumes.find(v => v.sysprep)?.sysprep;
  if (sysprep?.secret) {
    const data = (await kube.secretData(namespace, sysprep.secret.name)) ?? {};
    const domain = vmi.spec.domain as
      | { firmware?: { uuid?: string } }
      | undefined;
    return windowsGuest(data, domain?.firmware?.uuid);
  }
  const cloudInit = volumes.map(v => v.cloudInitNoCloud).find(Boolean);
  let userData = cloudInit?.userData ?? '';
  if (cloudInit?.secretRef) {
    const data = await kube.secretData(namespace, cloudInit.secretRef.name);
    userData = data?.[USERDATA_KEY] ?? '';
  }
  return linuxGuest(userData, vmi.metadata.name);
}
