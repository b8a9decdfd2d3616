export { RequestRunnersPage } from './RequestRunnersPage';
