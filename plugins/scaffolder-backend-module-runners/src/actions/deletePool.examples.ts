import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `runners:pool:delete`, shown in the scaffolder's action reference. */
export const examples: TemplateExample[] = [
  {
    description: 'Delete a pool by team and name',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete',
          action: 'runners:pool:delete',
          name: 'Remove the runner pool',
          input: { team: 'payments', name: 'builds' },
        },
      ],
    }),
  },
  {
    description: 'Delete a pool by id, e.g. one chosen in a form field',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete',
          action: 'runners:pool:delete',
          name: 'Remove the runner pool',
          input: { poolId: '${{ parameters.poolId }}' },
        },
      ],
    }),
  },
];
