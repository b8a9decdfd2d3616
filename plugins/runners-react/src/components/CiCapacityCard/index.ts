export { CiCapacityCard } from './CiCapacityCard';
export type { CiCapacityCardProps } from './CiCapacityCard';
