export { runnersPlugin as default } from './plugin';
