import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';

type JsonObject = NonNullable<
  Parameters<AuditorService['createEvent']>[0]['meta']
>;

/** Whether the credentials are a signed-in user's. */
export function isUser(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  const principal = credentials.principal;
  return (
    typeof principal === 'object' &&
    principal !== null &&
    'type' in principal &&
    principal.type === 'user'
  );
}

/** Who acted, for audit events: the user's entity ref, a service's subject, or the type. */
export function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal;
  if (typeof principal !== 'object' || principal === null) return 'unknown';
  if (
    'userEntityRef' in principal &&
    typeof principal.userEntityRef === 'string'
  )
    return principal.userEntityRef;
  if ('subject' in principal && typeof principal.subject === 'string')
    return principal.subject;
  return 'type' in principal ? String(principal.type) : 'unknown';
}

/** Runs `fn` inside an audit event that records its success or its failure. */
export async function audited<T>(
  auditor: AuditorService,
  eventId: string,
  credentials: BackstageCredentials,
  meta: JsonObject,
  fn: () => Promise<T>,
): Promise<T> {
  const event = await auditor.createEvent({
    eventId,
    severityLevel: 'medium',
    meta: { ...meta, actor: principalRef(credentials) },
  });
  try {
    const result = await fn();
    await event.success();
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}
