export * from './CiCapacityCard';
export * from './PoolStateStatus';
