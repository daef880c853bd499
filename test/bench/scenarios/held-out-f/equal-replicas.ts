import { type Scenario, workload } from '../scenario.js';
import { kestrel, replicaFull, replicaHalf } from './profiles.js';

/**
 * F1. Two replicas of one model at the same price, one with half the capacity, beside a pricier
 * fast provider, at 10 calls/s: the replicas must share the load (equal prices are a tie broken
 * by load), or the one that gets it all slows down until calls time out.
 */
export const equalReplicas: Scenario = {
  name: 'equal-replicas',
  title: 'two replicas at the same price (one with half the capacity) and `kestrel`; 10 calls/s',
  description: 'Equal prices: share the load between the replicas instead of piling onto one.',
  providers: [replicaHalf, replicaFull, kestrel],
  workload: workload(180_000, 10),
};
