export { PoolStateStatus, poolStateLabel } from './PoolStateStatus';
