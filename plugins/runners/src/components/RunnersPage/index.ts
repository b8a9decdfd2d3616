export { RunnersPage } from './RunnersPage';
