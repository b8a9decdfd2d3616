export { PoolDetailPage } from './PoolDetailPage';
