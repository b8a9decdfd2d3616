export const pluginId = 'runners';
