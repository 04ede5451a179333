import type { Limits } from "../config/schema.js";
import type { UserPool } from "./gate.js";
import type { BucketClaim, SlotClaim } from "./store.js";

/** The buckets and pools a call is charged to, named the same way by every instance sharing a store. */
export class Claims {
  constructor(private readonly limits: Limits) {}

  commandBucket(sessionId: string): BucketClaim {
    const { requests_per_minute, burst_size } = this.limits;
    return { key: `cmd:session:${sessionId}`, scope: "session", policy: { ratePerMinute: requests_per_minute, burst: burst_size } };
  }

  userBucket(user: UserPool): BucketClaim {
    return { key: `cmd:user:${user.name}`, scope: "user", policy: { ratePerMinute: user.ratePerMinute, burst: user.burst } };
  }

  /** A session's bucket, and its user's when the session belongs to one: both are charged, or neither. */
  commandBuckets(sessionId: string, user: UserPool | undefined): BucketClaim[] {
    return user ? [this.commandBucket(sessionId), this.userBucket(user)] : [this.commandBucket(sessionId)];
  }

  /** Status tools have a bucket of their own, so checking why one is held back never costs a command. */
  statusBucket(sessionId: string): BucketClaim {
    const { status_requests_per_minute, status_burst_size } = this.limits;
    return { key: `status:session:${sessionId}`, scope: "session", policy: { ratePerMinute: status_requests_per_minute, burst: status_burst_size } };
  }

  /** Global (at the effective capacity), user, then session pool. */
  slotClaims(sessionId: string, user: UserPool | undefined, globalCapacity: number): SlotClaim[] {
    const { max_concurrent_processes, max_processes_per_session } = this.limits;
    const claims: SlotClaim[] = [{ key: "slots:global", scope: "global", capacity: Math.min(globalCapacity, max_concurrent_processes) }];
    if (user) claims.push({ key: `slots:user:${user.name}`, scope: "user", capacity: user.maxProcesses });
    claims.push({ key: `slots:session:${sessionId}`, scope: "session", capacity: max_processes_per_session });
    return claims;
  }
}
