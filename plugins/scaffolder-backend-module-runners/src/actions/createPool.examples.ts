import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `runners:pool:create`, shown in the scaffolder's action reference. */
export const examples: TemplateExample[] = [
  {
    description: 'A Linux pool for the payments team on a standard flavor',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'runners:pool:create',
          name: 'Ask for the runner pool',
          input: {
            team: 'payments',
            name: 'builds',
            flavor: 'm1.large',
            minReplicas: 1,
            maxReplicas: 5,
            tags: ['docker', 'linux'],
            gitlabScope: { type: 'group', path: 'engineering/payments' },
            description: 'Builds and tests of the payment services',
          },
        },
      ],
    }),
  },
  {
    description:
      'A pool that scales to zero and bursts, with the team from a MyGroupsPicker field',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'runners:pool:create',
          name: 'Ask for the runner pool',
          input: {
            team: '${{ parameters.team }}',
            name: 'nightly',
            flavor: 'm1.xlarge',
            minReplicas: 0,
            maxReplicas: 20,
            scaleToZero: true,
            burst: true,
            targetUtilization: 0.5,
            tags: ['nightly'],
            gitlabScope: {
              type: 'project',
              path: 'engineering/payments/gateway',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'A custom flavor; above the approval threshold the pool waits for the platform team and the step outputs the requestId',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'runners:pool:create',
          name: 'Ask for a large custom pool',
          input: {
            team: 'mobile',
            name: 'android',
            customFlavor: { os: 'linux', cpu: 24, memoryGiB: 64, diskGiB: 200 },
            minReplicas: 0,
            maxReplicas: 4,
            tags: ['android'],
            gitlabScope: { type: 'group', path: 'engineering/mobile' },
          },
        },
      ],
      output: {
        links: [
          { title: 'Runner pool', url: '${{ steps.create.output.poolUrl }}' },
        ],
        text: [
          {
            title: 'Approval',
            content:
              'Request ${{ steps.create.output.requestId }}: ${{ steps.create.output.stateReason }}',
          },
        ],
      },
    }),
  },
];
