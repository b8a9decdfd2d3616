import { Theme, ThemeProvider, makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

/**
 * Text that sits on the page background rather than a card: the theme's secondary text colour
 * (#717171 on #f5f5f5, 4.47:1) is below WCAG's 4.5:1 there, so such labels use the primary one.
 */
export const usePageTextStyles = makeStyles((theme: Theme) => ({
  label: { color: theme.palette.text.primary },
}));

function darkerErrors(outer: Theme): Theme {
  return {
    ...outer,
    palette: {
      ...outer.palette,
      error: { ...outer.palette.error, main: outer.palette.error.dark },
    },
  };
}

/**
 * Form errors in the theme's dark error red: the default red (#f44336) has 3.7:1 contrast on
 * white, below WCAG's 4.5:1 for the small helper text under fields.
 */
export function ReadableErrors(props: { children: ReactNode }) {
  return <ThemeProvider theme={darkerErrors}>{props.children}</ThemeProvider>;
}
