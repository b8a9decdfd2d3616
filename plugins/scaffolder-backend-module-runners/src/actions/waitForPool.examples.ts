import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `runners:pool:wait`, shown in the scaffolder's action reference. */
export const examples: TemplateExample[] = [
  {
    description:
      'Wait for the pool the previous step asked for (15 minutes at most)',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'runners:pool:wait',
          name: 'Wait until the runners are up',
          input: { poolId: '${{ steps.create.output.poolId }}' },
        },
      ],
    }),
  },
  {
    description:
      'Wait up to an hour, checking every 30 seconds (e.g. for a pool that needs approval)',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'runners:pool:wait',
          name: 'Wait for approval and provisioning',
          input: {
            poolId: '${{ steps.create.output.poolId }}',
            timeoutSeconds: 3600,
            pollSeconds: 30,
          },
        },
      ],
    }),
  },
];
