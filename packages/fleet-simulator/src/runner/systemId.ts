import { execFileSync } from 'node:child_process';
import { createHmac, createHash, randomInt } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// How real gitlab-runner obtains its `system_id` and how the guests of the product write the file
// it reads. Upstream: gitlab-runner `commands/internal/configfile/configfile.go` (`Load` reads
// `.runner_system_id` beside config.toml) and `system_id_state.go` (`loadFromFile`,
// `GenerateUniqueSystemID`, `generateRandomSystemID`).

/** `loadFromFile` keeps the trimmed file content only if it matches this. */
export const SYSTEM_ID_PATTERN = /^[sr]_[0-9a-zA-Z]{12}$/;
/** The file name, beside config.toml. */
export const SYSTEM_ID_FILE = '.runner_system_id';

const RANDOM_CHARSET =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * `GenerateUniqueSystemID`: `s_` + the first 12 hex digits of HMAC-SHA256(key = machine id,
 * "gitlab-runner") when a machine id can be read, else `generateRandomSystemID`: `r_` + 12
 * random characters. Neither can be predicted from the VMI.
 */
export function generateUniqueSystemId(machineId?: string): string {
  if (machineId) {
    const mac = createHmac('sha256', machineId)
      .update('gitlab-runner')
      .digest('hex');
    return `s_${mac.slice(0, 12)}`;
  }
  let id = '';
  for (let i = 0; i < 12; i++)
    id += RANDOM_CHARSET[randomInt(RANDOM_CHARSET.length)];
  return `r_${id}`;
}

/**
 * The `system_id` gitlab-runner uses given the content of `.runner_system_id` (undefined: no
 * file): the content if it is valid, else a generated one (which it then saves).
 */
export function runnerSystemId(
  fileContent: string | undefined,
  machineId?: string,
): { systemId: string; fromFile: boolean } {
  const trimmed = fileContent?.trim();
  if (trimmed !== undefined && SYSTEM_ID_PATTERN.test(trimmed)) {
    return { systemId: trimmed, fromFile: true };
  }
  return { systemId: generateUniqueSystemId(machineId), fromFile: false };
}

/**
 * Runs a shell script a Linux guest would run, with `hostname` answering what KubeVirt sets as
 * the guest hostname (the VMI name, from NoCloud `local-hostname`). Real `/bin/sh` and coreutils
 * execute it, so the product's script is tested, not re-implemented. Returns stdout, or
 * undefined when the script fails (the file then stays missing, as on the guest).
 */
export function runGuestShellScript(
  script: string,
  hostname: string,
): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-sim-guest-'));
  try {
    const shim = join(dir, 'hostname');
    writeFileSync(
      shim,
      `#!/bin/sh\nprintf '%s\\n' '${hostname.replace(/'/g, '')}'\n`,
    );
    chmodSync(shim, 0o755);
    const scriptPath = join(dir, 'script.sh');
    writeFileSync(scriptPath, script);
    return execFileSync('/bin/sh', [scriptPath], {
      env: { PATH: `${dir}:/usr/bin:/bin` },
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a Windows guest's specialize script writes to `.runner_system_id`. The simulator cannot
 * run PowerShell; it plays the one idiom a script may use to derive a per-VM value — SHA-256 of
 * the lower-case SMBIOS system UUID (`Win32_ComputerSystemProduct.UUID`, which KubeVirt sets
 * from `spec.domain.firmware.uuid`), `s_` + its first 12 hex digits, written with
 * `WriteAllText` into the directory of `--config`. A script without exactly that leaves no file.
 */
export function windowsSystemIdFile(
  script: string,
  firmwareUuid: string | undefined,
): string | undefined {
  const configDir = /--config '([^']+)\\config\.toml'/.exec(script)?.[1];
  if (!configDir || !firmwareUuid) return undefined;
  const writes = script.includes(
    `WriteAllText('${configDir}\\${SYSTEM_ID_FILE}', 's_' + $hash.Substring(0, 12))`,
  );
  const derives =
    script.includes(
      '(Get-CimInstance -ClassName Win32_ComputerSystemProduct).UUID.ToLowerInvariant()',
    ) &&
    script.includes(
      '[System.Security.Cryptography.SHA256]::Create().ComputeHash([System.Text.Encoding]::UTF8.GetBytes($uuid))',
    ) &&
    script.includes(
      "$hash = -join ($bytes | ForEach-Object { $_.ToString('x2') })",
    );
  if (!writes || !derives) return undefined;
  const hex = createHash('sha256')
    .update(firmwareUuid.toLowerCase())
    .digest('hex');
  return `s_${hex.slice(0, 12)}`;
}
