import { AccessLevelName, Visibility } from './types';

/** A user to create at start. @public */
export interface SeedUser {
  username: string;
  name: string;
  email?: string;
  /** Instance administrator. */
  admin?: boolean;
  /** A service account (bot user). */
  bot?: boolean;
}

/** A membership of a seeded group or project. @public */
export interface SeedMember {
  username: string;
  role: AccessLevelName;
}

/** A group to create at start; `parent` is the parent's full path. @public */
export interface SeedGroup {
  path: string;
  name: string;
  parent?: string;
  description?: string;
  visibility?: Visibility;
  members?: SeedMember[];
}

/** A project to create at start; `group` is the group's full path. @public */
export interface SeedProject {
  path: string;
  name: string;
  group: string;
  description?: string;
  visibility?: Visibility;
  members?: SeedMember[];
}

/** A personal access token with a fixed value. @public */
export interface SeedToken {
  username: string;
  token: string;
  scopes: string[];
  name?: string;
  /** `YYYY-MM-DD`; the token is expired after this day. */
  expiresAt?: string | null;
  revoked?: boolean;
}

/** Everything an empty emulator starts with. @public */
export interface EmulatorSeed {
  users: SeedUser[];
  groups: SeedGroup[];
  projects: SeedProject[];
  tokens: SeedToken[];
}

/** The well-known tokens of the default seed. @public */
export interface SeedTokens {
  /** `root`, instance administrator, scope `api`. */
  admin: string;
  /** `root`, scope `read_api` only. */
  adminReadApi: string;
  /**
   * `runner-fleet-bot`, Owner of `engineering`, scopes `create_runner`,
   * `manage_runner` and `read_api`: what the product's backend would use.
   */
  fleetBot: string;
  /** `root`, expired: every call answers 401 `invalid_token`. */
  expired: string;
  /** `root`, revoked: every call answers 401 `invalid_token`. */
  revoked: string;
  /** One `api` token per example user, keyed by username. */
  users: Record<string, string>;
}

const org = {
  engineering: 'All product and platform teams.',
  platform:
    'Operates the CI runner fleet and the Kubernetes clusters it runs on.',
  payments: 'Checkout, billing and the payment gateway.',
  search: 'Product search and the indexing pipeline.',
  mobile: 'The iOS, Android and Windows desktop apps.',
};

/** The token of an example user in the default seed. */
export function userSeedToken(username: string): string {
  return `glpat-runnerfleet-${username.replace(/\./g, '-')}-000000`;
}

const exampleUsers: SeedUser[] = [
  { username: 'guest', name: 'Guest Developer' },
  { username: 'ada.platform', name: 'Ada Lindqvist' },
  { username: 'omar.platform', name: 'Omar Haddad' },
  { username: 'priya.payments', name: 'Priya Raman' },
  { username: 'lena.search', name: 'Lena Vogel' },
  { username: 'tom.search', name: 'Tom Okafor' },
  { username: 'mei.mobile', name: 'Mei Tanaka' },
];

/** The well-known tokens of {@link defaultSeed}. @public */
export const seedTokens: SeedTokens = {
  admin: 'glpat-runnerfleet-admin-000000',
  adminReadApi: 'glpat-runnerfleet-admin-readapi',
  fleetBot: 'glpat-runnerfleet-bot-000000',
  expired: 'glpat-runnerfleet-expired-000000',
  revoked: 'glpat-runnerfleet-revoked-000000',
  users: Object.fromEntries(
    exampleUsers.map(u => [u.username, userSeedToken(u.username)]),
  ),
};

function team(path: string, name: string, members: SeedMember[]): SeedGroup {
  return {
    path,
    name,
    parent: 'engineering',
    description: org[path as keyof typeof org],
    members,
  };
}

/**
 * The example organisation of `examples/org` and `examples/components`:
 * `engineering` with one subgroup per team, one project per component in its
 * owner's group, team members as Owner (first listed) or Maintainer, plus the
 * administrator `root` and the service account `runner-fleet-bot`.
 *
 * @public
 */
export const defaultSeed: EmulatorSeed = {
  users: [
    { username: 'root', name: 'Administrator', admin: true },
    {
      username: 'runner-fleet-bot',
      name: 'Runner Fleet',
      bot: true,
    },
    ...exampleUsers,
  ],
  groups: [
    {
      path: 'engineering',
      name: 'Engineering',
      description: org.engineering,
      members: [{ username: 'runner-fleet-bot', role: 'owner' }],
    },
    team('platform', 'Platform', [
      { username: 'ada.platform', role: 'owner' },
      { username: 'omar.platform', role: 'maintainer' },
    ]),
    team('payments', 'Payments', [
      { username: 'priya.payments', role: 'owner' },
      { username: 'guest', role: 'maintainer' },
    ]),
    team('search', 'Search', [
      { username: 'lena.search', role: 'owner' },
      { username: 'tom.search', role: 'maintainer' },
    ]),
    team('mobile', 'Mobile', [{ username: 'mei.mobile', role: 'owner' }]),
  ],
  projects: [
    {
      path: 'payment-gateway',
      name: 'Payment gateway',
      group: 'engineering/payments',
      description: 'Talks to card acquirers; PCI scope.',
    },
    {
      path: 'checkout-web',
      name: 'Checkout web',
      group: 'engineering/payments',
      description: 'The checkout pages of the web shop.',
    },
    {
      path: 'search-api',
      name: 'Search API',
      group: 'engineering/search',
      description: 'Serves product search queries.',
    },
    {
      path: 'search-indexer',
      name: 'Search indexer',
      group: 'engineering/search',
      description: 'Builds the product index from the catalogue feed.',
    },
    {
      path: 'android-app',
      name: 'Android app',
      group: 'engineering/mobile',
      description: 'The Android shop app; heavy Gradle builds.',
    },
    {
      path: 'windows-desktop-app',
      name: 'Windows desktop app',
      group: 'engineering/mobile',
      description: 'The Windows desktop client; builds need Windows runners.',
    },
    {
      path: 'runner-fleet',
      name: 'Runner Fleet',
      group: 'engineering/platform',
      description:
        'Self-service CI runner pools on KubeVirt, autoscaled by KEDA.',
    },
  ],
  tokens: [
    { username: 'root', token: seedTokens.admin, scopes: ['api'] },
    { username: 'root', token: seedTokens.adminReadApi, scopes: ['read_api'] },
    {
      username: 'runner-fleet-bot',
      token: seedTokens.fleetBot,
      scopes: ['create_runner', 'manage_runner', 'read_api'],
    },
    {
      username: 'root',
      token: seedTokens.expired,
      scopes: ['api'],
      expiresAt: '2020-01-01',
    },
    {
      username: 'root',
      token: seedTokens.revoked,
      scopes: ['api'],
      revoked: true,
    },
    ...exampleUsers.map(u => ({
      username: u.username,
      token: userSeedToken(u.username),
      scopes: ['api'],
    })),
  ],
};
