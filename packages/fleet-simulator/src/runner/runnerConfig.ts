import { gunzipSync } from 'node:zlib';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { KubeClient } from '../kube/KubeClient';
import { VmiObject } from '../kubevirt/types';

/** Where gitlab-runner reads its configuration on Linux when it runs as root. */
export const LINUX_CONFIG_PATH = '/etc/gitlab-runner/config.toml';
/** The Secret key KubeVirt reads NoCloud/ConfigDrive user data from. */
export const USERDATA_KEY = 'userdata';
/** The sysprep media file the Windows answer file's script installs as config.toml. */
export const SYSPREP_CONFIG_KEY = 'config.toml';
/** Answer files Windows Setup looks for on the sysprep media. */
export const ANSWER_FILES = ['autounattend.xml', 'unattend.xml'];

/** One `[[runners]]` entry. */
export interface RunnerEntry {
  name: string;
  url: string;
  token: string;
  /** Jobs this runner may run at once; 0 = only `concurrent` limits it. */
  limit: number;
  executor: string;
}

/** What gitlab-runner takes from config.toml. */
export interface RunnerConfig {
  concurrent: number;
  checkIntervalSeconds: number;
  runners: RunnerEntry[];
  /** Where it came from, for messages. */
  source: string;
}

/** config.toml cannot be found or read; the message says where and why. */
export class RunnerConfigError extends Error {}

interface WriteFile {
  path?: string;
  content?: string;
  encoding?: string;
}

/** config.toml from a `#cloud-config` user data's `write_files`, decoded as cloud-init does. */
export function configFromCloudConfig(userData: string): string {
  if (!userData.startsWith('#cloud-config')) {
    throw new RunnerConfigError(
      `user data is not a #cloud-config document (starts with '${userData.slice(
        0,
        20,
      )}')`,
    );
  }
  const doc = parseYaml(userData) as { write_files?: WriteFile[] } | null;
  const file = doc?.write_files?.find(f => f.path === LINUX_CONFIG_PATH);
  if (!file) {
    throw new RunnerConfigError(
      `#cloud-config has no write_files entry for ${LINUX_CONFIG_PATH}`,
    );
  }
  const content = file.content ?? '';
  switch ((file.encoding ?? 'text/plain').toLowerCase()) {
    case 'b64':
    case 'base64':
      return Buffer.from(content, 'base64').toString('utf8');
    case 'gz':
    case 'gzip':
      return gunzipSync(Buffer.from(content, 'binary')).toString('utf8');
    case 'gz+b64':
    case 'gz+base64':
    case 'gzip+b64':
    case 'gzip+base64':
      return gunzipSync(Buffer.from(content, 'base64')).toString('utf8');
    default:
      return content;
  }
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && value > 0 ? value : fallback;
}

/** Parses gitlab-runner's config.toml (defaults: concurrent 1, check_interval 3 s). */
export function parseRunnerConfig(text: string, source: string): RunnerConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new RunnerConfigError(
      `${source}: config.toml is not valid TOML: ${
        (error as Error).message.split('\n')[0]
      }`,
    );
  }
  const entries = Array.isArray(doc.runners)
    ? (doc.runners as Array<Record<string, unknown>>)
    : [];
  if (entries.length === 0)
    throw new RunnerConfigError(`${source}: config.toml has no [[runners]]`);
  const runners = entries.map((entry, i): RunnerEntry => {
    if (typeof entry.url !== 'string' || typeof entry.token !== 'string') {
      throw new RunnerConfigError(
        `${source}: [[runners]] #${i + 1} needs url and token`,
      );
    }
    return {
      name: typeof entry.name === 'string' ? entry.name : `runner-${i + 1}`,
      url: entry.url.replace(/\/+$/, ''),
      token: entry.token,
      limit: typeof entry.limit === 'number' ? entry.limit : 0,
      executor: typeof entry.executor === 'string' ? entry.executor : 'shell',
    };
  });
  return {
    concurrent: positive(doc.concurrent, 1),
    checkIntervalSeconds: positive(doc.check_interval, 3),
    runners,
    source,
  };
}

/**
 * Reads the config.toml a VM would boot with: Linux from the cloud-init volume (a Secret's
 * `userdata`, or inline user data), Windows from the sysprep Secret (`config.toml` next to the
 * answer file). Throws {@link RunnerConfigError} naming what is missing.
 */
export async function readRunnerConfig(
  kube: Pick<KubeClient, 'secretData'>,
  vmi: VmiObject,
): Promise<RunnerConfig> {
  const namespace = vmi.metadata.namespace ?? '';
  const volumes = vmi.spec.volumes ?? [];
  const sysprep = volumes.find(v => v.sysprep)?.sysprep;
  if (sysprep) {
    if (!sysprep.secret)
      throw new RunnerConfigError(
        'sysprep from a ConfigMap is not played; use a Secret',
      );
    const data = await kube.secretData(namespace, sysprep.secret.name);
    if (!data)
      throw new RunnerConfigError(
        `sysprep Secret ${sysprep.secret.name} not found`,
      );
    if (!ANSWER_FILES.some(key => data[key])) {
      throw new RunnerConfigError(
        `sysprep Secret ${sysprep.secret.name} has no ${ANSWER_FILES.join(
          ' or ',
        )}`,
      );
    }
    const toml = data[SYSPREP_CONFIG_KEY];
    if (!toml)
      throw new RunnerConfigError(
        `sysprep Secret ${sysprep.secret.name} has no ${SYSPREP_CONFIG_KEY}`,
      );
    return parseRunnerConfig(
      toml,
      `Secret ${sysprep.secret.name} key ${SYSPREP_CONFIG_KEY}`,
    );
  }
  const cloudInit = volumes
    .map(v => v.cloudInitNoCloud ?? v.cloudInitConfigDrive)
    .find(Boolean);
  if (!cloudInit)
    throw new RunnerConfigError(
      'the VMI has neither a cloud-init nor a sysprep volume',
    );
  let userData: string;
  let source: string;
  if (cloudInit.secretRef) {
    const data = await kube.secretData(namespace, cloudInit.secretRef.name);
    if (!data)
      throw new RunnerConfigError(
        `cloud-init Secret ${cloudInit.secretRef.name} not found`,
      );
    if (data[USERDATA_KEY] === undefined) {
      throw new RunnerConfigError(
        `cloud-init Secret ${cloudInit.secretRef.name} has no key ${USERDATA_KEY}`,
      );
    }
    userData = data[USERDATA_KEY];
    source = `Secret ${cloudInit.secretRef.name} key ${USERDATA_KEY}`;
  } else {
    userData =
      cloudInit.userData ??
      Buffer.from(cloudInit.userDataBase64 ?? '', 'base64').toString('utf8');
    source = 'inline user data';
  }
  try {
    return parseRunnerConfig(
      configFromCloudConfig(userData),
      `${source}, ${LINUX_CONFIG_PATH}`,
    );
  } catch (error) {
    if (
      error instanceof RunnerConfigError &&
      !error.message.startsWith(source)
    ) {
      throw new RunnerConfigError(`${source}: ${error.message}`);
    }
    throw error;
  }
}
