import { createHmac } from 'node:crypto';
import { RenderContext } from './names';
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

/**
 * Copies config.toml from the sysprep media and installs gitlab-runner as a service (the golden
 * image ships `gitlab-runner.exe` in {@link WINDOWS_RUNNER_DIR}).
 */
export function sysprepScript(): string {
  const dir = WINDOWS_RUNNER_DIR;
  return [
    "$ErrorActionPreference = 'Stop'",
    `New-Item -ItemType Directory -Force -Path '${dir}' | Out-Null`,
    `Copy-Item -Force (Join-Path $PSScriptRoot '${SYSPREP_CONFIG}') '${dir}\\config.toml'`,
    `& '${dir}\\gitlab-runner.exe' install --working-directory '${dir}' --config '${dir}\\config.toml'`,
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
    [SYSPREP_CONFIG]: windowsRunnerConfig(ctx.input),
  });
}
