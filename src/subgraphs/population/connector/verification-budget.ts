/**
 * How many verifications each API key may make per hour, in this process.
 * `verifyCitizen` answers yes or no for a name and date of birth, so without
 * a budget it could be asked until it confirms a guess.
 */
export class VerificationBudget {
  private readonly used = new Map<string, { hour: number; count: number }>();

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one verification from `keyId`'s budget for the current hour; false when none is left. */
  take(keyId: string): boolean {
    const hour = Math.floor(this.now() / 3_600_000);
    const entry = this.used.get(keyId);
    const count = entry?.hour === hour ? entry.count : 0;
    if (count >= this.perHour) return false;
    this.used.set(keyId, { hour, count: count + 1 });
    return true;
  }
}
