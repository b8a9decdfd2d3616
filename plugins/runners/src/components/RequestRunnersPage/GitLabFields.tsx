import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { FieldError, GitLabScope } from '@runner-fleet/plugin-runners-common';
import { PoolFormState, messagesFor, parseTags } from './poolForm';

type GitLab = Pick<
  PoolFormState,
  'scopeType' | 'scopePath' | 'tags' | 'runUntagged'
>;

/** Where the runner registers in GitLab, its tags and whether it takes untagged jobs. */
export function GitLabFields(props: {
  value: GitLab;
  errors: FieldError[];
  onChange: (patch: Partial<GitLab>) => void;
}) {
  const { value, errors, onChange } = props;
  const pathMessages = messagesFor(errors, 'gitlab.scope.path');
  const tagMessages = messagesFor(errors, 'gitlab.tags');
  const untaggedMessages = messagesFor(errors, 'gitlab.runUntagged');
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={4}>
        <TextField
          id="pool-scope-type"
          select
          fullWidth
          label="GitLab scope"
          value={value.scopeType}
          onChange={e =>
            onChange({ scopeType: e.target.value as GitLabScope['type'] })
          }
          helperText="Which pipelines may use the runner"
        >
          <MenuItem value="group">Group</MenuItem>
          <MenuItem value="project">Project</MenuItem>
          <MenuItem value="instance">Whole instance</MenuItem>
        </TextField>
      </Grid>
      {value.scopeType !== 'instance' && (
        <Grid item xs={12} sm={8}>
          <TextField
            id="pool-scope-path"
            fullWidth
            label={value.scopeType === 'group' ? 'Group path' : 'Project path'}
            placeholder="engineering/payments"
            value={value.scopePath}
            onChange={e => onChange({ scopePath: e.target.value })}
            error={pathMessages.length > 0}
            helperText={
              pathMessages.length
                ? pathMessages.join('; ')
                : 'The full path as in the GitLab URL'
            }
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <Autocomplete<string, true, false, true>
          id="pool-tags"
          multiple
          freeSolo
          options={[]}
          value={value.tags}
          onChange={(_e, tags) => onChange({ tags: tags.flatMap(parseTags) })}
          renderTags={(tags, getTagProps) =>
            tags.map((tag, index) => (
              <Chip size="small" label={tag} {...getTagProps({ index })} />
            ))
          }
          renderInput={params => (
            <TextField
              {...params}
              label="Tags"
              placeholder="docker, linux…"
              error={tagMessages.length > 0}
              helperText={
                tagMessages.length
                  ? tagMessages.join('; ')
                  : 'Press Enter after each tag; jobs pick runners by tags'
              }
            />
          )}
        />
      </Grid>
      <Grid item xs={12}>
        <FormControlLabel
          control={
            <Switch
              checked={value.runUntagged}
              onChange={e => onChange({ runUntagged: e.target.checked })}
            />
          }
          label="Run untagged jobs"
        />
        {untaggedMessages.map(m => (
          <FormHelperText error key={m}>
            {m}
          </FormHelperText>
        ))}
      </Grid>
    </Grid>
  );
}
