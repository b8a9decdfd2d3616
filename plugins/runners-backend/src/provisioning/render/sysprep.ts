import { createHmac } from 'node:crypto';
import { drainTimings, RenderContext } from './names';
import { RUNNER_SYSTEM_ID_FILE } from './runnerSystemId';
import {
  WINDOWS_RUNNER_DIR,
  renderSecret,
  windowsRunnerConfig,
} from './secrets';
import { KubeObject } from './types';

/** Script on the sysprep media that installs config.toml and the gitlab-runner service. */
export const SYSPREP_SCRIPT = 'runner-fleet.ps1';
/** config.toml on the sysprep media, next to the script. */
export const SYSPREP_CONFIG = 'config.toml';

const COMPONENT_ATTRS =
  'processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35" language="neutral" versionScope="nonSxS"';

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * The local Administrator password: derived from the runner token, so it is stable for a pool
 * (deterministic rendering), differs between pools, and lives only where the token does.
 */
function administratorPassword(token: string): string {
  const mac = createHmac('sha256', token)
    .update('runner-fleet windows administrator')
    .digest('base64url');
  return `Rf-${mac.slice(0, 24)}!9`;
}

/**
 * Finds the sysprep CD-ROM by its script and runs it. Unattend `Path` values are limited to 259
 * characters, so the real work lives in {@link SYSPREP_SCRIPT}.
 */
const RUN_SCRIPT = `powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "Get-PSDrive -PSProvider FileSystem | ForEach-Object { $s = $_.Root + '${SYSPREP_SCRIPT}'; if (Test-Path $s) { & $s } }"`;

/**
 * The answer file. Registration runs in the `specialize` pass as LocalSystem (RunSynchronous),
 * not as a FirstLogonCommand: a runner VM never has anyone log on, and auto-logon would need a
 * second stored credential. `oobeSystem` skips every OOBE screen so the VM boots straight to a
 * running service.
 */
export function unattendXml(ctx: RenderContext): string {
  const password = xmlEscape(administratorPassword(ctx.input.runnerToken));
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<unattend xmlns="urn:schemas-microsoft-com:unattend" xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">',
    '  <settings pass="specialize">',
    `    <component name="Microsoft-Windows-Deployment" ${COMPONENT_ATTRS}>`,
    '      <RunSynchronous>',
    '        <RunSynchronousCommand wcm:action="add">',
    '          <Order>1</Order>',
    '          <Description>Install the GitLab runner of this pool</Description>',
    `          <Path>${xmlEscape(RUN_SCRIPT)}</Path>`,
    '        </RunSynchronousCommand>',
    '      </RunSynchronous>',
    '    </component>',
    '  </settings>',
    '  <settings pass="oobeSystem">',
    `    <component name="Microsoft-Windows-Shell-Setup" ${COMPONENT_ATTRS}>`,
    '      <OOBE>',
    '        <HideEULAPage>true</HideEULAPage>',
    '        <HideOEMRegistrationScreen>true</HideOEMRegistrationScreen>',
    '        <HideOnlineAccountScreens>true</HideOnlineAccountScreens>',
    '        <HideWirelessSetupInOOBE>true</HideWirelessSetupInOOBE>',
    '        <ProtectYourPC>3</ProtectYourPC>',
    '      </OOBE>',
    '      <UserAccounts>',
    '        <AdministratorPassword>',
    `          <Value>${password}</Value>`,
    '          <PlainText>true</PlainText>',
    '        </AdministratorPassword>',
    '      </UserAccounts>',
    '    </component>',
    '  </settings>',
    '</unattend>',
    '',
  ].join('\n');
}

/** The drain script run at shutdown, in {@link WINDOWS_RUNNER_DIR}. */
export const WINDOWS_DRAIN_SCRIPT = 'drain.ps1';

/** Local Group Policy folder; `psscripts.ini` there lists PowerShell shutdown scripts. */
const GPO_MACHINE = 'C:\\Windows\\System32\\GroupPolicy';
/** The Scripts client-side extension and its snap-in: gpt.ini must name them to run scripts. */
const SCRIPTS_CSE =
  '[{42B5FAAE-6536-11D2-AE5A-0000F87571E3}{40B6664F-4972-11D1-A7CA-0000F87571E3}]';

/**
 * The drain at shutdown: the service control manager gives services only seconds when Windows
 * shuts down (`WaitToKillServiceTimeout`), but Group Policy shutdown scripts run before services
 * are stopped and may take up to `MaxGPOScriptWait`. This script stops gitlab-runner through the
 * SCM — which gitlab-runner turns into its graceful SIGQUIT stop on Windows
 * (`commands/multi.go`, `(*RunCommand).Stop`) — and waits for the running jobs to finish.
 */
function drainScript(): string {
  const { runnerStopSeconds } = drainTimings();
  return [
    '$svc = Get-Service -Name gitlab-runner -ErrorAction SilentlyContinue',
    "if ($svc -and $svc.Status -ne 'Stopped') {",
    '  Stop-Service -Name gitlab-runner -NoWait',
    `  $svc.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(${runnerStopSeconds}))`,
    '}',
    '',
  ].join('\r\n');
}

/**
 * Extends C: over the whole disk. Each VM's clone is created at the flavor's disk size
 * (`dataVolumeTemplates`), larger than the golden image, but a clone keeps the image's partition
 * table: without this, C: keeps the image's size and the rest of the disk stays unallocated. The
 * guard skips a C: that already fills the disk (Resize-Partition fails on a zero-size change).
 * The golden image must have C: as its last partition (no recovery partition after it).
 */
export const EXTEND_SYSTEM_DRIVE = [
  '$cMax = (Get-PartitionSupportedSize -DriveLetter C).SizeMax',
  'if ((Get-Partition -DriveLetter C).Size -lt $cMax) { Resize-Partition -DriveLetter C -Size (Get-PartitionSupportedSize -DriveLetter C).SizeMax }',
];

/**
 * Runs once per VM in the specialize pass (Windows never runs it again on that disk: a new config
 * or token needs a fresh clone, see `replaceRunnerVm`):
 * - extends C: to the whole disk, the flavor's size ({@link EXTEND_SYSTEM_DRIVE});
 * - writes `.runner_system_id` beside config.toml: `s_` + the first 12 hex digits of SHA-256 of
 *   the lower-case SMBIOS system UUID, which KubeVirt sets per VM (`spec.domain.firmware.uuid`);
 *   the backend derives the same from the VMI (`vmiRunnerSystemId`);
 * - copies config.toml from the sysprep media and installs the gitlab-runner service (the golden
 *   image ships `gitlab-runner.exe` in {@link WINDOWS_RUNNER_DIR});
 * - registers {@link WINDOWS_DRAIN_SCRIPT} as a local Group Policy shutdown script and lets
 *   shutdown scripts run for the whole drain budget.
 */
export function sysprepScript(): string {
  const dir = WINDOWS_RUNNER_DIR;
  const { poweroffTimeoutSeconds } = drainTimings();
  const scriptsDir = `${GPO_MACHINE}\\Machine\\Scripts`;
  return [
    "$ErrorActionPreference = 'Stop'",
    ...EXTEND_SYSTEM_DRIVE,
    `New-Item -ItemType Directory -Force -Path '${dir}' | Out-Null`,
    '$uuid = (Get-CimInstance -ClassName Win32_ComputerSystemProduct).UUID.ToLowerInvariant()',
    '$bytes = [System.Security.Cryptography.SHA256]::Create().ComputeHash([System.Text.Encoding]::UTF8.GetBytes($uuid))',
    "$hash = -join ($bytes | ForEach-Object { $_.ToString('x2') })",
    `[System.IO.File]::WriteAllText('${dir}\\${RUNNER_SYSTEM_ID_FILE}', 's_' + $hash.Substring(0, 12))`,
    `Copy-Item -Force (Join-Path $PSScriptRoot '${SYSPREP_CONFIG}') '${dir}\\config.toml'`,
    `Copy-Item -Force (Join-Path $PSScriptRoot '${WINDOWS_DRAIN_SCRIPT}') '${dir}\\${WINDOWS_DRAIN_SCRIPT}'`,
    `& '${dir}\\gitlab-runner.exe' install --working-directory '${dir}' --config '${dir}\\config.toml'`,
    `New-Item -ItemType Directory -Force -Path '${scriptsDir}\\Shutdown' | Out-Null`,
    `Set-Content -Encoding Unicode -Path '${scriptsDir}\\psscripts.ini' -Value "[Shutdown]\`r\`n0CmdLine=${dir}\\${WINDOWS_DRAIN_SCRIPT}\`r\`n0Parameters=\`r\`n"`,
    `Set-Content -Encoding ASCII -Path '${GPO_MACHINE}\\gpt.ini' -Value "[General]\`r\`ngPCMachineExtensionNames=${SCRIPTS_CSE}\`r\`nVersion=1\`r\`n"`,
    "New-Item -Force -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\System' | Out-Null",
    `Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\System' -Name MaxGPOScriptWait -Type DWord -Value ${poweroffTimeoutSeconds}`,
    'gpupdate.exe /target:computer /force | Out-Null',
    `& '${dir}\\gitlab-runner.exe' start`,
    '',
  ].join('\r\n');
}

/**
 * The Secret `rf-<pool>-sysprep`. KubeVirt attaches all its keys as a CD-ROM. The answer file is
 * stored twice: `autounattend.xml`, the key KubeVirt documents for the sysprep volume, and
 * `unattend.xml`, the name Windows Setup looks for on removable media in passes after windowsPE.
 */
export function renderSysprepSecret(ctx: RenderContext): KubeObject {
  const answerFile = unattendXml(ctx);
  return renderSecret(ctx, ctx.names.sysprepSecret, {
    'autounattend.xml': answerFile,
    'unattend.xml': answerFile,
    [SYSPREP_SCRIPT]: sysprepScript(),
    [WINDOWS_DRAIN_SCRIPT]: drainScript(),
    [SYSPREP_CONFIG]: windowsRunnerConfig(ctx.input),
  });
}
