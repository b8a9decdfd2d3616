export { MyFleetPage } from './MyFleetPage';
